import type { SyncResponse } from '../../server/contract/sync.ts';
import type { OutboxRecord } from '../store/local-store.ts';
import type { WanwuDatabase } from '../store/schema.ts';

/** The outbox as the sync drains it: oldest first, marked before sending, settled by the server's answer. */

/** The oldest events still to send (UUIDv7 ids: key order is time order); refused ones stay out. */
export function nextBatch(db: WanwuDatabase, limit: number): Promise<OutboxRecord[]> {
  return db.outbox.orderBy(':id').filter((row) => !row.rejected).limit(limit).toArray();
}

/**
 * Takes the next batch and marks it as sent in one transaction: an undo racing the request then
 * sees the mark and retracts, and an event undone just before is no longer in the batch.
 */
export function takeBatch(db: WanwuDatabase, limit: number, at: number): Promise<OutboxRecord[]> {
  return db.transaction('rw', db.outbox, async () => {
    const batch = await nextBatch(db, limit);
    const unsent = batch.filter((row) => row.sentAt === undefined).map((row) => row.id);
    await db.outbox.where(':id').anyOf(unsent).modify({ sentAt: at });
    return batch;
  });
}

/**
 * Applies the server's answer: held events (accepted or duplicates) leave the outbox, refused ones
 * are flagged and kept. Says how many the server holds and which rows it did not mention (still queued).
 */
export function settle(
  db: WanwuDatabase,
  batch: readonly OutboxRecord[],
  answer: SyncResponse,
): Promise<{ held: number; unanswered: OutboxRecord[] }> {
  const held = new Set([...answer.accepted, ...answer.duplicates]);
  const refused = new Map(answer.rejected.map(({ id, code, message }) => [id, { code, message }]));
  return db.transaction('rw', db.outbox, async () => {
    const done = batch.filter((row) => held.has(row.id)).map((row) => row.id);
    await db.outbox.bulkDelete(done);
    for (const row of batch) {
      const rejected = refused.get(row.id);
      if (rejected && !held.has(row.id)) await db.outbox.update(row.id, { rejected });
    }
    return { held: done.length, unanswered: batch.filter((row) => !held.has(row.id) && !refused.has(row.id)) };
  });
}

/** Keeps a batch for later: the backoff lives in the rows, so a reload or a crash resumes it. */
export async function defer(db: WanwuDatabase, rows: readonly OutboxRecord[], attempts: number, notBefore: number): Promise<void> {
  await db.outbox.where(':id').anyOf(rows.map((row) => row.id)).modify({ attempts, notBefore });
}

/** Refuses one event on the device's side (e.g. larger than the server takes even alone). */
export async function reject(db: WanwuDatabase, id: string, rejected: NonNullable<OutboxRecord['rejected']>): Promise<void> {
  await db.outbox.update(id, { rejected });
}

/** Photos with feedback still to send: their bytes wait until the events are on the server. */
export async function waitingPhotoIds(db: WanwuDatabase): Promise<Set<string>> {
  const ids = new Set<string>();
  await db.outbox.each((row) => {
    if (!row.rejected) ids.add(row.event.photoId);
  });
  return ids;
}

/** Events waiting to be sent, and events the server refused. */
export async function outboxCounts(db: WanwuDatabase): Promise<{ pending: number; rejected: number }> {
  const counts = { pending: 0, rejected: 0 };
  await db.outbox.each((row) => (row.rejected ? (counts.rejected += 1) : (counts.pending += 1)));
  return counts;
}
