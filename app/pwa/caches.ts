/**
 * Cache Storage names and the URLs they hold, shared by the service worker's routes
 * (vite.config.ts) and the inference worker, which fills the same caches on the first visit,
 * before any service worker controls the page.
 */
export const MODEL_CACHE = 'wanwu-models';
export const MANIFEST_CACHE = 'wanwu-manifest';
export const WEBGPU_RUNTIME_CACHE = 'wanwu-ort-webgpu';

export const MANIFEST_URL = '/api/v1/models/current';

export function modelFileUrl(version: string, path: string): string {
  return `/models/${encodeURIComponent(version)}/${encodeURIComponent(path)}`;
}
