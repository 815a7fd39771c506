/**
 * Cache Storage names and the URLs they hold, shared by the service worker's routes
 * (app/pwa/sw.ts) and the inference worker, which keeps the model files itself.
 */
export const MODEL_CACHE = 'wanwu-models';
export const MANIFEST_CACHE = 'wanwu-manifest';
export const WEBGPU_RUNTIME_CACHE = 'wanwu-ort-webgpu';

export const MANIFEST_URL = '/api/v1/models/current';

/** Where the server serves a file of a bundle version. */
export function modelFileUrl(version: string, path: string): string {
  return `/models/${encodeURIComponent(version)}/${encodeURIComponent(path)}`;
}

/**
 * The key a verified model file is cached under: its sha256, so versions that share a file (the
 * base models) share one cached copy; the name only makes the cache readable.
 */
export function modelCacheKey(file: { sha256: string; path: string }): string {
  return `/model-files/${file.sha256}/${encodeURIComponent(file.path)}`;
}

/** onnxruntime-web's WebGPU runtime (~27 MB): only fetched, and then cached, where WebGPU runs. */
export const WEBGPU_RUNTIME_ROUTE = /\/assets\/ort-wasm-simd-threaded\.(jsep|asyncify)[^/]*$/;
export const MANIFEST_ROUTE = /\/api\/v1\/models\/current$/;
