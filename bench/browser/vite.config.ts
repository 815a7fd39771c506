import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/** The benchmark page, built to bench/dist/ (git-ignored) and served by the Wanwu server. */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  logLevel: 'warn',
  build: { outDir: fileURLToPath(new URL('../dist', import.meta.url)), emptyOutDir: true, target: 'es2022' },
  worker: { format: 'es' },
});
