import Dexie from 'dexie';
import { StorageFullError } from './local-store.ts';
import type { WanwuDatabase } from './schema.ts';

/**
 * Every write of the store goes through `withQuotaRecovery`: when the browser says the origin is
 * out of space, it frees what may be freed and tries again. Only cached bytes of photos whose
 * feedback has all been synced may go: full images first, oldest first, thumbnails last (lists
 * still show them). Feedback and outbox rows are never touched.
 */

/** True for the DOMException IndexedDB raises and for Dexie's error that wraps it (`inner`). */
export function isQuotaError(error: unknown): boolean {
  for (let cause = error as { name?: unknown; inner?: unknown } | null; cause; cause = cause.inner as typeof cause) {
    // Dexie.errnames.QuotaExceeded is also the DOMException's name.
    if (cause.name === Dexie.errnames.QuotaExceeded) return true;
  }
  return false;
}

/** Runs `write` (which must open its own transaction), freeing space and retrying while that helps. */
export async function withQuotaRecovery<T>(db: WanwuDatabase, write: () => Promise<T>): Promise<T> {
  for (let freed = true; freed; freed = await freeSome(db)) {
    try {
      return await write();
    } catch (error) {
      if (!isQuotaError(error)) throw error;
    }
  }
  throw new StorageFullError(
    'Storage is full and nothing more can be freed: photos whose feedback is not yet synced keep their bytes and ' +
      'no feedback is ever dropped. Sync, or free space on the device, and try again.',
  );
}

/**
 * Drops the oldest half of what may go in this order: images, then thumbnails, of photos with no
 * event waiting in the outbox. False when nothing is left to drop.
 */
async function freeSome(db: WanwuDatabase): Promise<boolean> {
  try {
    return await db.transaction('rw', db.photos, db.outbox, async () => {
      const pending = new Set<string>();
      await db.outbox.each((row) => pending.add(row.event.photoId));
      for (const field of ['image', 'thumbnail'] as const) {
        const candidates = await db.photos
          .orderBy('createdAt')
          .filter((photo) => photo[field] !== null && !pending.has(photo.id))
          .primaryKeys();
        if (candidates.length === 0) continue;
        const oldest = candidates.slice(0, Math.ceil(candidates.length / 2));
        await db.photos.where('id').anyOf(oldest).modify((photo) => {
          photo[field] = null;
        });
        return true;
      }
      return false;
    });
  } catch (error) {
    // Even shrinking rows can be refused when the disk is truly full: then nothing could be freed.
    if (isQuotaError(error)) return false;
    throw error;
  }
}
