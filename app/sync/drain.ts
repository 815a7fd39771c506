import { MAX_SYNC_EVENTS } from '../../server/contract/sync.ts';
import type { OutboxRecord } from '../store/local-store.ts';
import type { WanwuDatabase } from '../store/schema.ts';
import { backoffDelay } from './backoff.ts';
import { deviceSession, type Authorized } from './device.ts';
import { defer, nextBatch, reject, settle, takeBatch } from './outbox.ts';
import { uploadPhotos } from './photo-upload.ts';
import type { SyncApi, SyncErrorCode, SyncFailure } from './sync-api.ts';
import { recordFailure, recordSuccess } from './sync-status.ts';
import { saveServerModel } from './server-model.ts';
import { saveTagNeed } from './tag-need.ts';

/** Drains the outbox to the server: the same code in the page and in the service worker. */

/** Web Lock held while draining: the page and the service worker never send at once. */
export const SYNC_LOCK = 'wanwu-sync';

export interface SyncEnv {
  db: WanwuDatabase;
  api: SyncApi;
  /** navigator.locks where the browser has it. */
  locks?: LockManager;
  /** navigator.onLine: false means the browser knows there is no network. */
  online?: () => boolean;
  now?: () => number;
  random?: () => number;
}

export interface DrainOptions {
  /** Ignore the backoff: a person asked, or the network just came back. */
  force?: boolean;
}

export type DrainResult =
  /** Nothing sendable is left (`sent` events went out in this drain). */
  | { outcome: 'synced'; sent: number }
  /** The backoff of an earlier failure is not over. */
  | { outcome: 'waiting'; retryAt: number }
  /** `retryAt` is null when only the network coming back can help. */
  | { outcome: 'failed'; code: SyncErrorCode; retryAt: number | null };

export interface Sync {
  drain(options?: DrainOptions): Promise<DrainResult>;
}

export function createSync(env: SyncEnv): Sync {
  const { db, api } = env;
  const now = env.now ?? Date.now;
  const random = env.random ?? Math.random;

  /** Keeps the batch with its backoff (or the server's `Retry-After`) and says why. */
  async function fail(batch: readonly OutboxRecord[], failure: SyncFailure): Promise<DrainResult> {
    const attempts = Math.max(...batch.map((row) => row.attempts)) + 1;
    const retryAt = now() + (failure.retryAfterMs ?? backoffDelay(attempts, random));
    await defer(db, batch, attempts, retryAt);
    await recordFailure(db, failure.code, now());
    return { outcome: 'failed', code: failure.code, retryAt };
  }

  /** Sends batches, oldest first, until the outbox is empty or a request fails. */
  async function sendAll(authorized: Authorized): Promise<DrainResult> {
    let sent = 0;
    // Halved on 413 until the server takes it: batches are bounded by its body limit too.
    let size = MAX_SYNC_EVENTS;
    for (;;) {
      const batch = await takeBatch(db, size, now());
      if (batch.length === 0) return { outcome: 'synced', sent };
      const answer = await authorized((token) => api.sync(token, batch.map((row) => row.event)));
      if (answer.ok) {
        const { held, unanswered } = await settle(db, batch, answer.body);
        await saveTagNeed(db, answer.body.need);
        await saveServerModel(db, answer.body.model.version);
        sent += held;
        if (unanswered.length > 0) return fail(unanswered, { code: 'bad-response' });
      } else if (answer.failure.code === 'too-large' && size > 1) {
        size = Math.ceil(size / 2);
      } else if (answer.failure.code === 'too-large') {
        await reject(db, batch[0].id, { code: 'too-large', message: 'The server does not take this event even alone' });
      } else {
        return fail(batch, answer.failure);
      }
    }
  }

  async function drainLocked({ force = false }: DrainOptions): Promise<DrainResult> {
    const [head] = await nextBatch(db, 1);
    if (head && !force && head.notBefore > now()) return { outcome: 'waiting', retryAt: head.notBefore };
    if (env.online?.() === false) {
      if (head) await recordFailure(db, 'offline', now());
      return { outcome: 'failed', code: 'offline', retryAt: null };
    }
    const authorized = deviceSession(db, api);
    const result = await sendAll(authorized);
    if (result.outcome !== 'synced') return result;
    const photos = await uploadPhotos(db, api, authorized);
    if (photos.failure) await recordFailure(db, photos.failure.code, now());
    else if (result.sent > 0 || photos.uploaded > 0) await recordSuccess(db, now());
    return result;
  }

  return {
    drain: (options = {}) => (env.locks ? env.locks.request(SYNC_LOCK, () => drainLocked(options)) : drainLocked(options)),
  };
}
