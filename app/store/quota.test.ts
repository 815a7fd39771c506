import Dexie from 'dexie';
import { describe, expect, it } from 'vitest';
import { dog, preparedPhoto, quotaExceeded, recognition, steppingClock, testDatabase } from './fixtures.case.ts';
import { StorageFullError } from './local-store.ts';
import { isQuotaError } from './quota.ts';
import { createLocalStore } from './store.ts';

/** Three synced photos (oldest first) and one whose feedback still waits in the outbox. */
async function storeWithPhotos() {
  const context = testDatabase();
  const store = createLocalStore(context.db, { now: steppingClock(), storage: undefined });
  const synced = [];
  for (const seed of ['oldest', 'middle', 'newest']) {
    const photo = await store.savePhoto(preparedPhoto(seed), recognition([dog]));
    await store.recordFeedback({ type: 'tag-verdict', photoId: photo.id, tag: { id: 'dog' }, verdict: 'correct' });
    synced.push(photo);
  }
  await context.db.outbox.clear(); // the sync delivered those
  const unsynced = await store.savePhoto(preparedPhoto('unsynced'), recognition([dog]));
  await store.recordFeedback({ type: 'tag-verdict', photoId: unsynced.id, tag: { id: 'dog' }, verdict: 'wrong' });
  return { ...context, store, synced, unsynced };
}

async function bytesKept(db: ReturnType<typeof testDatabase>['db']) {
  const photos = await db.photos.orderBy('createdAt').toArray();
  return photos.map((photo) => [photo.image !== null, photo.thumbnail !== null]);
}

describe('quota recovery', () => {
  it('frees the oldest synced photos’ images and then writes the feedback', async () => {
    const { db, store, failWrites, synced } = await storeWithPhotos();
    failWrites('feedback', 1);

    await store.recordFeedback({ type: 'tag-added', photoId: synced[2].id, tag: { text: '金毛' } });

    expect(await bytesKept(db)).toEqual([
      [false, true],
      [false, true],
      [true, true],
      [true, true],
    ]);
    expect(await db.feedback.count()).toBe(5);
    expect(await db.outbox.count()).toBe(2);
  });

  it('drops thumbnails only after every droppable image is gone', async () => {
    const { db, store, failWrites, synced } = await storeWithPhotos();
    failWrites('feedback', 3);

    await store.recordFeedback({ type: 'tag-added', photoId: synced[2].id, tag: { text: '金毛' } });

    expect(await bytesKept(db)).toEqual([
      [false, false],
      [false, false],
      [false, true],
      [true, true],
    ]);
  });

  it('says storage is full when nothing may go, and keeps unsynced photos and all feedback', async () => {
    const { db, store, failWrites, synced, unsynced } = await storeWithPhotos();
    failWrites('feedback', Infinity);

    const attempt = store.recordFeedback({ type: 'tag-added', photoId: synced[0].id, tag: { text: '金毛' } });

    await expect(attempt).rejects.toThrow(StorageFullError);
    await expect(attempt).rejects.toMatchObject({ code: 'storage-full', message: expect.stringMatching(/nothing more can be freed/) });
    expect(await bytesKept(db)).toEqual([
      [false, false],
      [false, false],
      [false, false],
      [true, true],
    ]);
    expect((await db.photos.get(unsynced.id))?.image).toEqual(preparedPhoto('unsynced').image);
    expect(await db.feedback.count()).toBe(4);
    expect(await db.outbox.count()).toBe(1);
  });

  it('passes other errors on without freeing anything', async () => {
    const { db, store, failWrites, synced } = await storeWithPhotos();
    failWrites('feedback', 1, () => new DOMException('read-only', 'ReadOnlyError'));

    await expect(store.recordFeedback({ type: 'tag-added', photoId: synced[0].id, tag: { text: '金毛' } })).rejects.toThrow(/read-only/);
    expect((await bytesKept(db)).flat().every(Boolean)).toBe(true);
  });
});

describe('isQuotaError', () => {
  it('knows the browser’s error and Dexie’s wrapping of it', () => {
    expect(isQuotaError(quotaExceeded())).toBe(true);
    expect(isQuotaError(new Dexie.QuotaExceededError('full'))).toBe(true);
    expect(isQuotaError(new Dexie.AbortError('aborted', quotaExceeded()))).toBe(true);
    expect(isQuotaError(new Dexie.AbortError('aborted'))).toBe(false);
    expect(isQuotaError(null)).toBe(false);
  });
});
