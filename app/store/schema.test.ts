import Dexie from 'dexie';
import { IDBKeyRange } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { cat, dog, preparedPhoto, recognition, testDatabase } from './fixtures.case.ts';
import { SCHEMA_V1 } from './schema.ts';
import { createLocalStore } from './store.ts';

describe('schema upgrade from version 1', () => {
  it('keeps every row and indexes old photos for history search and review', async () => {
    const { db, indexedDB } = testDatabase();
    const reviewed = preparedPhoto('reviewed');
    const fresh = preparedPhoto('fresh');
    const v1 = new Dexie('wanwu', { indexedDB, IDBKeyRange });
    v1.version(1).stores(SCHEMA_V1);
    await v1.table('photos').bulkAdd([
      { ...reviewed, createdAt: 1_000 },
      { ...fresh, createdAt: 2_000 },
    ]);
    await v1.table('recognitions').bulkAdd([
      { ...recognition([dog]), photoId: reviewed.id, createdAt: 1_000 },
      { ...recognition([dog, cat], { model: 'newer' }), photoId: reviewed.id, createdAt: 1_500 },
      { ...recognition([cat]), photoId: fresh.id, createdAt: 2_000 },
    ]);
    const event = {
      id: '01890a5d-ac96-774b-bcce-b302099a8057',
      type: 'tag-verdict',
      photoId: reviewed.id,
      model: 'newer',
      at: new Date(1_600).toISOString(),
      tag: { id: 'cat' },
      verdict: 'wrong',
    };
    await v1.table('feedback').add({ id: event.id, photoId: reviewed.id, event, undone: false });
    await v1.table('outbox').add({ id: event.id, event, createdAt: 1_600, attempts: 0, notBefore: 1_600 });
    await v1.table('settings').add({ key: 'language', value: 'zh-CN' });
    v1.close();

    const store = createLocalStore(db, { storage: undefined });

    expect(await store.historyIds()).toEqual([fresh.id, reviewed.id]);
    expect(await store.getPhoto(fresh.id)).toMatchObject({ tagKeys: ['cat', '猫'], needsReview: 1 });
    expect(await store.historyIds({ search: '狗' })).toEqual([reviewed.id]);
    expect(await store.historyIds({ search: 'cat' })).toEqual([fresh.id]);
    expect(await store.historyIds({ needsReview: true })).toEqual([fresh.id, reviewed.id]);
    expect((await store.getPhoto(reviewed.id))?.image).toEqual(reviewed.image);
    expect((await store.latestRecognition(reviewed.id))?.model).toBe('newer');
    expect((await store.photoFeedback(reviewed.id)).verdicts.get('cat')?.verdict).toBe('wrong');
    expect(await db.outbox.count()).toBe(1);
    expect(await db.settings.get('language')).toEqual({ key: 'language', value: 'zh-CN' });

    await store.recordFeedback({ type: 'tag-verdict', photoId: reviewed.id, tag: { id: 'dog' }, verdict: 'correct' });
    expect(await store.historyIds({ needsReview: true })).toEqual([fresh.id]);
  });
});
