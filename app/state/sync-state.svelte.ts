import { liveQuery } from 'dexie';
import type { WanwuDatabase } from '../store/schema.ts';
import { setUploadConsent } from '../sync/photo-upload.ts';
import { readSyncStatus, type SyncStatus } from '../sync/sync-status.ts';
import type { SyncTriggers } from '../sync/triggers.ts';
import { appContext } from './app-context.ts';

/**
 * The sync as Settings shows it. The status is a live query over the outbox and the settings, so
 * it follows feedback, drains in this page and drains in the service worker alike.
 */
export class SyncState {
  status = $state<SyncStatus | null>(null);
  syncing = $state(false);
  /** The store could not be read or written (not a network problem: those are in `status.lastError`). */
  error = $state<unknown>(null);

  constructor(
    private readonly db: WanwuDatabase,
    private readonly triggers: SyncTriggers,
  ) {
    liveQuery(() => readSyncStatus(db)).subscribe({
      next: (status) => (this.status = status),
      error: (error: unknown) => this.#fail(error),
    });
  }

  async syncNow(): Promise<void> {
    this.syncing = true;
    try {
      await this.triggers.now();
    } catch (error) {
      this.#fail(error);
    } finally {
      this.syncing = false;
    }
  }

  async setUploadPhotos(on: boolean): Promise<void> {
    try {
      await setUploadConsent(this.db, on);
      if (on) this.triggers.soon();
    } catch (error) {
      this.#fail(error);
    }
  }

  #fail(error: unknown): void {
    console.warn('Wanwu: sync', error);
    this.error = error;
  }
}

export const syncContext = appContext<SyncState>('sync');
