import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/** The OCR benchmark page, built to bench/dist/ocr/ (git-ignored) and served by the Wanwu server as its app. */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  logLevel: 'warn',
  build: { outDir: fileURLToPath(new URL('../../dist/ocr', import.meta.url)), emptyOutDir: true, target: 'es2022' },
});
