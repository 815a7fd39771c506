import { createHash } from 'node:crypto';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import type { DBCore } from 'dexie';
import type { Tag } from '../../models/pipeline/types.ts';
import type { PreparedPhoto, RecognitionRecord } from './local-store.ts';
import { WanwuDatabase } from './schema.ts';

/** Test-only helpers for the store's tests: a private IndexedDB per test, photos, recognitions, injected faults. */

export const quotaExceeded = () => new DOMException('The quota has been exceeded.', 'QuotaExceededError');

/**
 * A database over its own in-memory IndexedDB, with fault injection in Dexie's storage layer:
 * `failWrites('outbox', 1)` makes the next write to that table fail as the browser would.
 */
export function testDatabase(indexedDB = new IDBFactory()) {
  const faults = new Map<string, { error: () => Error; left: number }>();
  const db = new WanwuDatabase('wanwu', { indexedDB, IDBKeyRange });
  db.use({
    stack: 'dbcore',
    name: 'fault-injection',
    create: (down: DBCore): DBCore => ({
      ...down,
      table(name) {
        const table = down.table(name);
        return {
          ...table,
          mutate(request) {
            const fault = faults.get(name);
            if (!fault || fault.left <= 0) return table.mutate(request);
            fault.left -= 1;
            return Promise.reject(fault.error());
          },
        };
      },
    }),
  });
  const failWrites = (table: string, times: number, error: () => Error = quotaExceeded) =>
    void faults.set(table, { error, left: times });
  return { db, indexedDB, failWrites };
}

/** A prepared photo whose id is the sha256 of its (made-up) bytes, as the capture step makes them. */
export function preparedPhoto(seed: string): PreparedPhoto {
  const bytes = new TextEncoder().encode(`jpeg bytes of ${seed}`);
  return {
    id: createHash('sha256').update(bytes).digest('hex'),
    image: new Blob([bytes], { type: 'image/jpeg' }),
    thumbnail: new Blob([bytes.slice(0, 8)], { type: 'image/jpeg' }),
    width: 1280,
    height: 960,
  };
}

export function tag(id: string, en: string, zh: string, fields: Partial<Tag> = {}): Tag {
  return { id, en, zh, score: 0.9, source: 'detector', shown: true, ...fields };
}

export function recognition(
  tags: Tag[],
  fields: Partial<Omit<RecognitionRecord, 'id' | 'photoId' | 'createdAt'>> = {},
): Omit<RecognitionRecord, 'id' | 'photoId' | 'createdAt'> {
  return {
    model: 'test-model-1',
    provider: 'wasm',
    tags,
    embedding: Float32Array.from({ length: 8 }, (_, i) => i / 8 - 0.5),
    baseScores: { 'coco:dog': 0.9, 'coco:cat': 0.9 },
    timings: { decode: 1, preprocess: 1, detector: 1, classifier: 1, postprocess: 1, total: 5 },
    ...fields,
  };
}

export const dog = tag('dog', 'dog', '狗');
export const cat = tag('cat', 'cat', '猫');
export const ball = tag('sports_ball', 'sports ball', '球', { score: 0.3, shown: false });

/** A clock that moves one second per reading, so rows made one after another are ordered. */
export function steppingClock(start = Date.UTC(2026, 5, 1)) {
  let t = start;
  return () => (t += 1_000);
}
