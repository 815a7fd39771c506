import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';
import { MANIFEST_CACHE, MODEL_CACHE, WEBGPU_RUNTIME_CACHE } from './app/pwa/caches.ts';

/** Cross-origin isolation: SharedArrayBuffer, hence WASM threads. The Node server sends the same. */
const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

/** During `npm run dev` the API and the model bundle come from the Wanwu server (`npm start`). */
const api = { '/api': 'http://127.0.0.1:8787', '/models': 'http://127.0.0.1:8787' };

/** onnxruntime-web's WebGPU runtime (~27 MB): only fetched, and then cached, where WebGPU runs. */
const webgpuRuntime = /\/assets\/ort-wasm-simd-threaded\.(jsep|asyncify)[^/]*$/;

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
      workbox: {
        globPatterns: ['**/*.{html,js,mjs,css,svg,png,wasm}'],
        globIgnores: ['**/ort-wasm-simd-threaded.jsep*', '**/ort-wasm-simd-threaded.asyncify*'],
        // The WASM runtime (~14 MB) is part of the app shell.
        maximumFileSizeToCacheInBytes: 20 * 1024 * 1024,
        navigateFallback: 'index.html',
        navigateFallbackDenylist: [/^\/api\//, /^\/models\//],
        clientsClaim: true,
        skipWaiting: true,
        runtimeCaching: [
          { urlPattern: webgpuRuntime, handler: 'CacheFirst', options: { cacheName: WEBGPU_RUNTIME_CACHE } },
          {
            // Bundles are immutable under their version: once here, never fetched again.
            urlPattern: /\/models\/[A-Za-z0-9._%-]+\/[A-Za-z0-9._%-]+$/,
            handler: 'CacheFirst',
            options: { cacheName: MODEL_CACHE, cacheableResponse: { statuses: [200] } },
          },
          {
            urlPattern: /\/api\/v1\/models\/current$/,
            handler: 'NetworkFirst',
            options: { cacheName: MANIFEST_CACHE, networkTimeoutSeconds: 3, cacheableResponse: { statuses: [200] } },
          },
        ],
      },
    }),
  ],
});
