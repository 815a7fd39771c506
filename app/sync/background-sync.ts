/** Background Sync: the browser wakes the service worker with this tag once it has a network, even with the app closed. */

export const SYNC_TAG = 'wanwu-sync';

/** `registration.sync` is not in TypeScript's DOM types yet. */
interface SyncManager {
  register(tag: string): Promise<void>;
}

/** Asks for a background sync where the browser has it (Chromium); elsewhere the page's own triggers do. */
export async function requestBackgroundSync(container: ServiceWorkerContainer | undefined = globalThis.navigator?.serviceWorker): Promise<void> {
  const registration = (await container?.ready) as (ServiceWorkerRegistration & { sync?: SyncManager }) | undefined;
  await registration?.sync?.register(SYNC_TAG);
}
