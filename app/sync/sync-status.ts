import type { WanwuDatabase } from '../store/schema.ts';
import { outboxCounts } from './outbox.ts';
import { uploadConsent } from './photo-upload.ts';
import type { SyncErrorCode } from './sync-api.ts';

/** What Settings shows about the sync; kept in `settings` so the page and the service worker share it. */

const STATUS_KEY = 'sync-status';

interface SyncRecord {
  /** ms since the epoch of the last sync that reached the server, or null for never. */
  lastSuccessAt: number | null;
  /** The last failure, cleared by the next success. */
  lastError: { code: SyncErrorCode; at: number } | null;
}

export interface SyncStatus extends SyncRecord {
  /** Events waiting to be sent. */
  pending: number;
  /** Events the server refused for good (kept on the device). */
  rejected: number;
  uploadPhotos: boolean;
}

async function syncRecord(db: WanwuDatabase): Promise<SyncRecord> {
  const saved = (await db.settings.get(STATUS_KEY))?.value as Partial<SyncRecord> | undefined;
  return { lastSuccessAt: saved?.lastSuccessAt ?? null, lastError: saved?.lastError ?? null };
}

export async function recordSuccess(db: WanwuDatabase, at: number): Promise<void> {
  await db.settings.put({ key: STATUS_KEY, value: { lastSuccessAt: at, lastError: null } satisfies SyncRecord });
}

export async function recordFailure(db: WanwuDatabase, code: SyncErrorCode, at: number): Promise<void> {
  const { lastSuccessAt } = await syncRecord(db);
  await db.settings.put({ key: STATUS_KEY, value: { lastSuccessAt, lastError: { code, at } } satisfies SyncRecord });
}

export async function readSyncStatus(db: WanwuDatabase): Promise<SyncStatus> {
  const [record, counts, uploadPhotos] = await Promise.all([syncRecord(db), outboxCounts(db), uploadConsent(db)]);
  return { ...record, ...counts, uploadPhotos };
}
