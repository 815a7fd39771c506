import Dexie from 'dexie';
import { IDBKeyRange } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import type { TextLine } from '../../models/pipeline/ocr/read-text.ts';
import { dog, preparedPhoto, recognition, steppingClock, testDatabase } from './fixtures.case.ts';
import { SCHEMA_V1 } from './schema.ts';
import { createLocalStore } from './store.ts';
import { textLineKey } from './text-feedback.ts';

function setup() {
  const database = testDatabase();
  const store = createLocalStore(database.db, { storage: undefined, now: steppingClock() });
  return { ...database, store };
}

const sign: TextLine = { text: '万物识别测试', score: 0.97, box: [[10, 20], [410, 20], [410, 90], [10, 90]] };
/** The same words lower on the photo: another line. */
const again: TextLine = { ...sign, box: [[10, 200], [410, 200], [410, 270], [10, 270]] };

const correct = (photoId: string, line: TextLine, corrected: string) =>
  ({ type: 'text-corrected', photoId, original: line.text, corrected, box: line.box, score: line.score }) as const;

describe('text read in a photo', () => {
  it('is kept with the photo, replaced by a later reading and deleted with the photo', async () => {
    const { store } = setup();
    const photo = await store.savePhoto(preparedPhoto('sign'), recognition([dog]));
    await store.saveText({ photoId: photo.id, model: 'test-model-1', lines: [sign], ms: 900 });
    await store.saveText({ photoId: photo.id, model: 'test-model-1', lines: [sign, again], ms: 800 });

    expect(await store.savedText(photo.id)).toMatchObject({ lines: [sign, again], ms: 800 });
    await store.deletePhoto(photo.id);
    expect(await store.savedText(photo.id)).toBeUndefined();
  });
});

describe('text feedback', () => {
  it('queues a text-corrected event without the embedding, beside its feedback row', async () => {
    const { db, store } = setup();
    const photo = await store.savePhoto(preparedPhoto('sign'), recognition([dog]));

    const record = await store.recordFeedback(correct(photo.id, sign, '万物识别测验'));

    expect((await db.outbox.get(record.id))?.event).toEqual(record.event);
    expect(record.event).toEqual({
      type: 'text-corrected',
      id: record.id,
      photoId: photo.id,
      model: 'test-model-1',
      at: expect.any(String),
      original: '万物识别测试',
      corrected: '万物识别测验',
      box: sign.box,
      score: 0.97,
    });
  });

  it('keeps the latest judgement per line, tells equal words apart by their box, and undoes', async () => {
    const { store } = setup();
    const photo = await store.savePhoto(preparedPhoto('sign'), recognition([dog]));
    const confirmed = await store.recordFeedback(correct(photo.id, sign, sign.text));
    const corrected = await store.recordFeedback(correct(photo.id, sign, '万物识别'));
    const other = await store.recordFeedback(correct(photo.id, again, sign.text));

    expect(await store.textFeedback(photo.id)).toEqual(
      new Map([
        [textLineKey(sign.text, sign.box), { corrected: '万物识别', feedbackId: corrected.id }],
        [textLineKey(again.text, again.box), { corrected: sign.text, feedbackId: other.id }],
      ]),
    );
    await store.undoFeedback(corrected.id);
    expect((await store.textFeedback(photo.id)).get(textLineKey(sign.text, sign.box))).toEqual({ corrected: sign.text, feedbackId: confirmed.id });
    // Text says nothing about tags: the photo still needs its tags reviewed and teaches the memory nothing.
    expect((await store.photoFeedback(photo.id)).verdicts.size).toBe(0);
    expect(await store.historyIds({ needsReview: true })).toEqual([photo.id]);
    expect(await store.correctedExamples()).toEqual([]);
  });
});

describe('schema upgrade to version 3', () => {
  it('keeps the rows of a version 2 database and adds an empty table for text', async () => {
    const { db, indexedDB } = setup();
    const photo = preparedPhoto('old');
    const v2 = new Dexie('wanwu', { indexedDB, IDBKeyRange });
    v2.version(1).stores(SCHEMA_V1);
    v2.version(2).stores({ photos: 'id, createdAt, *tagKeys, needsReview' });
    await v2.table('photos').add({ ...photo, createdAt: 1_000, tagKeys: ['dog', '狗'], needsReview: 1 });
    await v2.table('recognitions').add({ ...recognition([dog]), photoId: photo.id, createdAt: 1_000 });
    v2.close();

    const store = createLocalStore(db, { storage: undefined });

    expect(await store.historyIds({ search: '狗' })).toEqual([photo.id]);
    expect((await store.latestRecognition(photo.id))?.tags).toEqual([dog]);
    expect(await store.savedText(photo.id)).toBeUndefined();
    await store.saveText({ photoId: photo.id, model: 'test-model-1', lines: [sign], ms: 1 });
    expect((await store.savedText(photo.id))?.lines).toEqual([sign]);
  });
});
