/// <reference lib="webworker" />
import '../zod-without-eval.ts';
import { CacheableResponsePlugin } from 'workbox-cacheable-response';
import { clientsClaim } from 'workbox-core';
import { cleanupOutdatedCaches, createHandlerBoundToURL, precacheAndRoute, type PrecacheEntry } from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';
import { CacheFirst, NetworkFirst } from 'workbox-strategies';
import { openDatabase } from '../store/schema.ts';
import { SYNC_TAG } from '../sync/background-sync.ts';
import { createSync } from '../sync/drain.ts';
import { createSyncApi } from '../sync/sync-api.ts';
import { MANIFEST_CACHE, MANIFEST_ROUTE, WEBGPU_RUNTIME_CACHE, WEBGPU_RUNTIME_ROUTE } from './caches.ts';

/**
 * The service worker: the app shell and models offline (precache, navigation fallback, runtime
 * caches), and Background Sync, which drains the outbox with the page's own code.
 */

declare const self: ServiceWorkerGlobalScope & { __WB_MANIFEST: (string | PrecacheEntry)[] };

/** Not in TypeScript's webworker types yet. */
interface SyncEvent extends ExtendableEvent {
  readonly tag: string;
}

// New versions take over at once: the app has no state a new shell could break.
void self.skipWaiting();
clientsClaim();

// Built files, the WASM runtime included (vite.config.ts says which).
precacheAndRoute(self.__WB_MANIFEST);
cleanupOutdatedCaches();
registerRoute(new NavigationRoute(createHandlerBoundToURL('index.html'), { denylist: [/^\/api\//, /^\/models\//] }));

registerRoute(WEBGPU_RUNTIME_ROUTE, new CacheFirst({ cacheName: WEBGPU_RUNTIME_CACHE }), 'GET');
// Model files have no route: the inference worker verifies them and caches them by sha256 itself
// (app/inference/bundle-loader.ts), which a cache by URL here would only duplicate.
// The current manifest: what a device that never installed a bundle starts on, offline too.
registerRoute(
  MANIFEST_ROUTE,
  new NetworkFirst({ cacheName: MANIFEST_CACHE, networkTimeoutSeconds: 3, plugins: [new CacheableResponsePlugin({ statuses: [200] })] }),
  'GET',
);

self.addEventListener('sync', (event) => {
  const sync = event as SyncEvent;
  if (sync.tag === SYNC_TAG) sync.waitUntil(drain());
});

/** Rejects when the server could not be reached, so that the browser schedules another try. */
async function drain(): Promise<void> {
  // Opened per event and closed after: an idle worker must not hold up a schema upgrade.
  const db = openDatabase();
  try {
    const result = await createSync({ db, api: createSyncApi((input, init) => fetch(input, init)), locks: navigator.locks }).drain({ force: true });
    if (result.outcome === 'failed') throw new Error(`Background sync failed: ${result.code}`);
  } finally {
    db.close();
  }
}
