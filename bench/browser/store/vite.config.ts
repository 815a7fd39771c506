import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/** Where the benchmark serves the store page: on the app's own origin, so both see one IndexedDB. */
export const STORE_BENCH_BASE = '/__bench/store/';

/** The store benchmark page, built to bench/dist/store/ (git-ignored). */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: STORE_BENCH_BASE,
  logLevel: 'warn',
  build: { outDir: fileURLToPath(new URL('../../dist/store', import.meta.url)), emptyOutDir: true, target: 'es2022' },
});
