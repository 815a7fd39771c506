import { describe, expect, it } from 'vitest';
import { FeedbackEventSchema } from '../../server/contract/feedback-event.ts';
import { ball, cat, dog, preparedPhoto, recognition, steppingClock, testDatabase } from './fixtures.case.ts';
import { createLocalStore, type StoreEnv } from './store.ts';

function setup(env: StoreEnv = { storage: undefined }) {
  const database = testDatabase();
  const store = createLocalStore(database.db, { now: steppingClock(), ...env });
  return { ...database, store };
}

/** A photo of a dog and a cat (and a ball below its threshold), saved. */
async function dogPhoto(store: ReturnType<typeof setup>['store'], seed = 'dog') {
  return store.savePhoto(preparedPhoto(seed), recognition([dog, cat, ball]));
}

function decodeEmbedding(base64: string): number[] {
  const bytes = Uint8Array.from(atob(base64), (char) => char.charCodeAt(0));
  const view = new DataView(bytes.buffer);
  return Array.from({ length: bytes.length / 4 }, (_, i) => view.getFloat32(i * 4, true));
}

describe('recordFeedback', () => {
  it('writes the feedback row and its outbox row together, carrying a valid event of the latest recognition', async () => {
    const { db, store } = setup();
    const photo = await dogPhoto(store);
    await store.savePhoto(preparedPhoto('dog'), recognition([dog, cat], { model: 'test-model-2' }));

    const record = await store.recordFeedback({ type: 'tag-verdict', photoId: photo.id, tag: { id: 'cat' }, verdict: 'wrong', score: 0.9 });

    const outbox = await db.outbox.toArray();
    expect(await db.feedback.toArray()).toEqual([record]);
    expect(outbox.map((row) => row.event)).toEqual([record.event]);
    const event = FeedbackEventSchema.parse(record.event);
    expect(event).toMatchObject({ id: record.id, photoId: photo.id, model: 'test-model-2', type: 'tag-verdict', verdict: 'wrong', dims: 8 });
    expect(decodeEmbedding(event.embedding!)).toEqual(Array.from(recognition([]).embedding!));
    // With it, what the base models said: training corrects their tags against it.
    expect(event.baseScores).toEqual({ 'coco:dog': 0.9, 'coco:cat': 0.9 });
  });

  it("sends a photo's embedding once: later acts on it go without, unless the one that carried it was undone before it left", async () => {
    const { db, store } = setup();
    const photo = await dogPhoto(store);
    const carries = async (act: Parameters<typeof store.recordFeedback>[0]) => (await store.recordFeedback(act)).event.embedding !== undefined;

    const first = await store.recordFeedback({ type: 'tag-verdict', photoId: photo.id, tag: { id: 'dog' }, verdict: 'correct' });
    expect(first.event.embedding).toBeDefined();
    expect(await carries({ type: 'tag-added', photoId: photo.id, tag: { text: '金毛' } })).toBe(false);

    await store.undoFeedback(first.id);
    expect(await db.outbox.get(first.id)).toBeUndefined();
    expect(await carries({ type: 'tag-verdict', photoId: photo.id, tag: { id: 'cat' }, verdict: 'wrong' })).toBe(true);

    await store.savePhoto(preparedPhoto('dog'), recognition([dog], { model: 'test-model-2' }));
    expect(await carries({ type: 'tag-verdict', photoId: photo.id, tag: { id: 'dog' }, verdict: 'correct' })).toBe(true);
  });

  it('leaves no feedback row when the outbox write fails', async () => {
    const { db, store, failWrites } = setup();
    const photo = await dogPhoto(store);
    failWrites('outbox', 1, () => new DOMException('disk went away', 'UnknownError'));

    await expect(store.recordFeedback({ type: 'tag-verdict', photoId: photo.id, tag: { id: 'dog' }, verdict: 'correct' })).rejects.toThrow(/disk went away/);

    expect(await db.feedback.count()).toBe(0);
    expect(await db.outbox.count()).toBe(0);
    expect((await store.photoFeedback(photo.id)).verdicts.size).toBe(0);
  });

  it('refuses a photo it never recognised', async () => {
    const { db, store } = setup();
    const photoId = preparedPhoto('unknown').id;
    await expect(store.recordFeedback({ type: 'tag-added', photoId, tag: { text: '金毛' } })).rejects.toThrow(/No recognition/);
    expect(await db.feedback.count()).toBe(0);
  });

  it('asks for persistent storage at the first feedback, once', async () => {
    let asked = 0;
    const storage = { persist: async () => (asked += 1) > 0 } as unknown as StorageManager;
    const { store } = setup({ storage });
    const photo = await dogPhoto(store);
    expect(asked).toBe(0);

    await store.recordFeedback({ type: 'tag-verdict', photoId: photo.id, tag: { id: 'dog' }, verdict: 'correct' });
    await store.recordFeedback({ type: 'tag-verdict', photoId: photo.id, tag: { id: 'cat' }, verdict: 'wrong' });

    expect(asked).toBe(1);
  });
});

describe('undoFeedback', () => {
  it('drops the unsent event with the act', async () => {
    const { db, store } = setup();
    const photo = await dogPhoto(store);
    const act = await store.recordFeedback({ type: 'tag-verdict', photoId: photo.id, tag: { id: 'cat' }, verdict: 'wrong' });

    await store.undoFeedback(act.id);

    expect(await db.outbox.count()).toBe(0);
    expect((await db.feedback.get(act.id))?.undone).toBe(true);
    expect((await store.photoFeedback(photo.id)).verdicts.has('cat')).toBe(false);
  });

  it('retracts an event already sent, and undoing twice changes nothing', async () => {
    const { db, store } = setup();
    const photo = await dogPhoto(store);
    const act = await store.recordFeedback({ type: 'tag-verdict', photoId: photo.id, tag: { id: 'cat' }, verdict: 'wrong' });
    await db.outbox.delete(act.id); // what the sync does once the server holds the event

    await store.undoFeedback(act.id);
    await store.undoFeedback(act.id);

    const queued = (await db.outbox.toArray()).map((row) => FeedbackEventSchema.parse(row.event));
    expect(queued).toEqual([expect.objectContaining({ type: 'feedback-retracted', retracts: act.id, photoId: photo.id })]);
    expect(queued[0].id > act.id).toBe(true);
  });

  it('retracts an event whose sending is under way, and simply drops one the server refused', async () => {
    const { db, store } = setup();
    const photo = await dogPhoto(store);
    const sending = await store.recordFeedback({ type: 'tag-verdict', photoId: photo.id, tag: { id: 'cat' }, verdict: 'wrong' });
    const refused = await store.recordFeedback({ type: 'tag-verdict', photoId: photo.id, tag: { id: 'dog' }, verdict: 'correct' });
    await db.outbox.update(sending.id, { sentAt: 1 });
    await db.outbox.update(refused.id, { sentAt: 1, rejected: { code: 'invalid-event', message: 'no' } });

    await store.undoFeedback(sending.id);
    await store.undoFeedback(refused.id);

    const queued = (await db.outbox.orderBy(':id').toArray()).map((row) => row.event);
    expect(queued).toEqual([sending.event, expect.objectContaining({ type: 'feedback-retracted', retracts: sending.id })]);
  });
});

describe('photoFeedback', () => {
  it('keeps the latest act per tag: later verdicts replace earlier ones and the confirm', async () => {
    const { store } = setup();
    const photo = await dogPhoto(store);
    const record = (act: Parameters<typeof store.recordFeedback>[0]) => store.recordFeedback(act);

    await record({ type: 'tag-verdict', photoId: photo.id, tag: { id: 'dog' }, verdict: 'wrong' });
    const confirm = await record({ type: 'photo-confirmed', photoId: photo.id, tags: [{ id: 'dog' }, { id: 'cat' }] });
    const catWrong = await record({ type: 'tag-verdict', photoId: photo.id, tag: { id: 'cat' }, verdict: 'wrong' });
    const added = await record({ type: 'tag-added', photoId: photo.id, tag: { text: '金毛' } });

    const feedback = await store.photoFeedback(photo.id);
    expect(Object.fromEntries(feedback.verdicts)).toEqual({
      dog: { verdict: 'correct', feedbackId: confirm.id },
      cat: { verdict: 'wrong', feedbackId: catWrong.id },
      'text:金毛': { verdict: 'correct', feedbackId: added.id },
    });
    expect(feedback.added).toEqual([{ tag: { text: '金毛' }, feedbackId: added.id }]);
    expect(feedback.confirmedBy).toBe(confirm.id);

    await store.undoFeedback(confirm.id);
    const undone = await store.photoFeedback(photo.id);
    expect(undone.verdicts.get('dog')?.verdict).toBe('wrong');
    expect(undone.confirmedBy).toBeNull();
  });
});

describe('history', () => {
  async function threePhotos() {
    const context = setup();
    const { store } = context;
    const first = await dogPhoto(store, 'first');
    const second = await store.savePhoto(preparedPhoto('second'), recognition([cat]));
    const third = await dogPhoto(store, 'third');
    return { ...context, first, second, third };
  }

  it('lists photos newest first, and a photo seen again keeps its place', async () => {
    const { store, first, second, third } = await threePhotos();
    await dogPhoto(store, 'first');
    expect(await store.historyIds()).toEqual([third.id, second.id, first.id]);
  });

  it('filters the photos that still need a verdict', async () => {
    const { store, first, second, third } = await threePhotos();
    await store.recordFeedback({ type: 'tag-verdict', photoId: second.id, tag: { id: 'cat' }, verdict: 'correct' });
    await store.recordFeedback({ type: 'photo-confirmed', photoId: third.id, tags: [{ id: 'dog' }, { id: 'cat' }] });
    await store.recordFeedback({ type: 'tag-verdict', photoId: first.id, tag: { id: 'dog' }, verdict: 'correct' });

    expect(await store.historyIds({ needsReview: true })).toEqual([first.id]);
    expect(await store.historyIds({ needsReview: false })).toEqual([third.id, second.id, first.id]);
  });

  it('searches tag names in both languages, ids and added text by prefix, ignoring case', async () => {
    const { store, first, second, third } = await threePhotos();
    await store.recordFeedback({ type: 'tag-added', photoId: first.id, tag: { text: '金毛' } });
    await store.recordFeedback({ type: 'tag-added', photoId: second.id, tag: { id: 'teddy_bear' }, names: { en: 'Teddy bear', zh: '泰迪熊' } });
    await store.recordFeedback({ type: 'tag-verdict', photoId: third.id, tag: { id: 'dog' }, verdict: 'wrong' });

    expect(await store.historyIds({ search: 'DO' })).toEqual([first.id]);
    expect(await store.historyIds({ search: '猫' })).toEqual([third.id, second.id, first.id]);
    expect(await store.historyIds({ search: '金' })).toEqual([first.id]);
    expect(await store.historyIds({ search: ' teddy' })).toEqual([second.id]);
    expect(await store.historyIds({ search: '泰迪' })).toEqual([second.id]);
    expect(await store.historyIds({ search: 'sports' })).toEqual([]);
    expect(await store.historyIds({ search: 'cat', needsReview: true })).toEqual([third.id, second.id, first.id]);
  });

  it('gives the rows of a window in the order asked, with each listed tag and its verdict', async () => {
    const { store, first, second } = await threePhotos();
    await store.recordFeedback({ type: 'tag-verdict', photoId: first.id, tag: { id: 'cat' }, verdict: 'wrong' });
    await store.recordFeedback({ type: 'tag-verdict', photoId: first.id, tag: { id: 'sports_ball' }, verdict: 'correct', origin: 'question' });
    await store.recordFeedback({ type: 'tag-added', photoId: first.id, tag: { text: '金毛' } });

    const items = await store.historyItems([second.id, preparedPhoto('gone').id, first.id]);

    expect(items.map((item) => item.photo.id)).toEqual([second.id, first.id]);
    expect(items[0].tags).toEqual([{ key: 'cat', en: 'cat', zh: '猫', verdict: null }]);
    expect(items[1].tags).toEqual([
      { key: 'dog', en: 'dog', zh: '狗', verdict: null },
      { key: 'cat', en: 'cat', zh: '猫', verdict: 'wrong' },
      { key: 'sports_ball', en: 'sports ball', zh: '球', verdict: 'correct' },
      { key: 'text:金毛', en: '金毛', zh: '金毛', verdict: 'correct' },
    ]);
  });
});

describe('deletePhoto', () => {
  it('removes the photo, its recognitions and feedback, and still delivers its queued events', async () => {
    const { db, store } = setup();
    const photo = await dogPhoto(store);
    const kept = await dogPhoto(store, 'kept');
    await store.recordFeedback({ type: 'tag-verdict', photoId: photo.id, tag: { id: 'dog' }, verdict: 'correct' });
    await store.recordFeedback({ type: 'tag-verdict', photoId: kept.id, tag: { id: 'dog' }, verdict: 'correct' });

    await store.deletePhoto(photo.id);

    expect(await store.getPhoto(photo.id)).toBeUndefined();
    expect(await store.latestRecognition(photo.id)).toBeUndefined();
    expect(await store.historyIds()).toEqual([kept.id]);
    expect((await db.feedback.toArray()).map((row) => row.photoId)).toEqual([kept.id]);
    expect(await db.outbox.count()).toBe(2);
  });
});

describe('what the device learns from', () => {
  it('gives corrected photos with an embedding, with their labels', async () => {
    const { store } = setup();
    const corrected = await dogPhoto(store, 'corrected');
    const undone = await dogPhoto(store, 'undone');
    const noEmbedding = await store.savePhoto(preparedPhoto('no embedding'), recognition([dog], { embedding: null }));
    await dogPhoto(store, 'untouched');
    await store.recordFeedback({ type: 'tag-verdict', photoId: corrected.id, tag: { id: 'cat' }, verdict: 'wrong' });
    await store.recordFeedback({ type: 'tag-added', photoId: corrected.id, tag: { text: '金毛' } });
    await store.recordFeedback({ type: 'tag-verdict', photoId: noEmbedding.id, tag: { id: 'dog' }, verdict: 'wrong' });
    await store.undoFeedback((await store.recordFeedback({ type: 'tag-verdict', photoId: undone.id, tag: { id: 'dog' }, verdict: 'wrong' })).id);

    const examples = await store.correctedExamples();

    expect(examples).toEqual([
      {
        photoId: corrected.id,
        embedding: recognition([]).embedding,
        labels: [
          { key: 'cat', tag: { id: 'cat' }, en: 'cat', zh: '猫', verdict: 'wrong' },
          { key: 'text:金毛', tag: { text: '金毛' }, en: '金毛', zh: '金毛', verdict: 'correct' },
        ],
      },
    ]);
  });

  it("lists the person's own free-text tags once each, newest first", async () => {
    const { store } = setup();
    const photo = await dogPhoto(store);
    await store.recordFeedback({ type: 'tag-added', photoId: photo.id, tag: { text: '金毛' } });
    await store.recordFeedback({ type: 'tag-added', photoId: photo.id, tag: { text: '柴犬' } });
    await store.recordFeedback({ type: 'tag-added', photoId: photo.id, tag: { text: '金毛' } });
    await store.recordFeedback({ type: 'tag-added', photoId: photo.id, tag: { id: 'teddy_bear' } });
    const undone = await store.recordFeedback({ type: 'tag-added', photoId: photo.id, tag: { text: '错字' } });
    await store.undoFeedback(undone.id);

    expect(await store.userTags()).toEqual([{ text: '金毛' }, { text: '柴犬' }]);
  });
});

describe('storageReport', () => {
  it('reports usage, persistence and what is kept', async () => {
    const storage = {
      estimate: async () => ({ usage: 1_234, quota: 1_000_000 }),
      persisted: async () => true,
    } as unknown as StorageManager;
    const { store } = setup({ storage });
    const photo = await dogPhoto(store);
    await store.recordFeedback({ type: 'tag-verdict', photoId: photo.id, tag: { id: 'dog' }, verdict: 'correct' });

    expect(await store.storageReport()).toEqual({ usage: 1_234, quota: 1_000_000, persisted: true, photos: 1 });
  });

  it('says what it cannot know where the browser has no storage API', async () => {
    const { store } = setup({ storage: undefined });
    expect(await store.storageReport()).toEqual({ usage: null, quota: null, persisted: null, photos: 0 });
    expect(await store.requestPersistence()).toBe(false);
  });
});
