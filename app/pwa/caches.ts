/**
 * Cache Storage names and the URLs they hold, shared by the service worker's routes
 * (app/pwa/sw.ts) and the inference worker, which fills the same caches on the first visit,
 * before any service worker controls the page.
 */
export const MODEL_CACHE = 'wanwu-models';
export const MANIFEST_CACHE = 'wanwu-manifest';
export const WEBGPU_RUNTIME_CACHE = 'wanwu-ort-webgpu';

export const MANIFEST_URL = '/api/v1/models/current';

export function modelFileUrl(version: string, path: string): string {
  return `/models/${encodeURIComponent(version)}/${encodeURIComponent(path)}`;
}

/** onnxruntime-web's WebGPU runtime (~27 MB): only fetched, and then cached, where WebGPU runs. */
export const WEBGPU_RUNTIME_ROUTE = /\/assets\/ort-wasm-simd-threaded\.(jsep|asyncify)[^/]*$/;
/** A file of a model bundle: immutable under its version. */
export const MODEL_FILE_ROUTE = /\/models\/[A-Za-z0-9._%-]+\/[A-Za-z0-9._%-]+$/;
export const MANIFEST_ROUTE = /\/api\/v1\/models\/current$/;
