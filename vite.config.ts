import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';

/** Cross-origin isolation: SharedArrayBuffer, hence WASM threads. The Node server sends the same. */
const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

/** During `npm run dev` the API and the model bundle come from the Wanwu server (`npm start`). */
const api = { '/api': 'http://127.0.0.1:8787', '/models': 'http://127.0.0.1:8787' };

export default defineConfig({
  root: 'app',
  publicDir: '../public',
  build: { outDir: '../dist', emptyOutDir: true, target: 'es2022' },
  worker: { format: 'es' },
  server: { headers: isolation, proxy: api },
  preview: { headers: isolation, proxy: api },
  plugins: [
    svelte(),
    VitePWA({
      // Our own service worker (app/pwa/sw.ts): the caches and routes, plus Background Sync.
      strategies: 'injectManifest',
      srcDir: 'pwa',
      filename: 'sw.ts',
      registerType: 'autoUpdate',
      injectRegister: false,
      // Public files (icons) are already in the precache through globPatterns.
      includeManifestIcons: false,
      manifest: {
        name: '万物 Wanwu',
        short_name: '万物',
        description: 'See what is in a photo, recognised on your own device, even offline.',
        lang: 'zh-CN',
        start_url: '/',
        scope: '/',
        display: 'standalone',
        theme_color: '#0f766e',
        background_color: '#f6f7f5',
        icons: [
          { src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png' },
          { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png' },
          { src: '/icons/icon-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
      },
      injectManifest: {
        globPatterns: ['**/*.{html,js,mjs,css,svg,png,wasm}'],
        // The WebGPU runtime is cached at run time, only where WebGPU runs (app/pwa/sw.ts).
        globIgnores: ['**/ort-wasm-simd-threaded.jsep*', '**/ort-wasm-simd-threaded.asyncify*'],
        // The WASM runtime (~14 MB) is part of the app shell.
        maximumFileSizeToCacheInBytes: 20 * 1024 * 1024,
        // One classic script: every browser with a service worker runs it.
        rollupFormat: 'iife',
      },
    }),
  ],
});
