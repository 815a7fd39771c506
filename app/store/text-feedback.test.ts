import Dexie from 'dexie';
import { IDBKeyRange } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import type { TextLine } from '../../models/pipeline/ocr/read-text.ts';
import { cat, dog, preparedPhoto, recognition, steppingClock, testDatabase } from './fixtures.case.ts';
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
    const { db, store } = setup();
    const photo = await store.savePhoto(preparedPhoto('sign'), recognition([dog]));
    await store.saveText({ photoId: photo.id, model: 'test-model-1', lines: [sign], ms: 900 });
    await store.saveText({ photoId: photo.id, model: 'test-model-1', lines: [sign, again], ms: 800 });

    expect(await store.savedText(photo.id)).toMatchObject({ lines: [sign, again], ms: 800 });
    await store.deletePhoto(photo.id);
    expect(await store.savedText(photo.id)).toBeUndefined();
    expect(await db.textSearch.get(photo.id)).toBeUndefined();
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

describe('history search by the text read in photos', () => {
  /** Full-width letters and digit, as signs in Chinese are often set. */
  const shop: TextLine = { text: 'Tea ＳＨＯＰ ５', score: 0.9, box: [[10, 400], [410, 400], [410, 470], [10, 470]] };

  async function photos() {
    const { store } = setup();
    const signed = await store.savePhoto(preparedPhoto('sign'), recognition([dog]));
    const plain = await store.savePhoto(preparedPhoto('plain'), recognition([cat]));
    await store.saveText({ photoId: signed.id, model: 'test-model-1', lines: [sign, shop], ms: 900 });
    await store.saveText({ photoId: plain.id, model: 'test-model-1', lines: [], ms: 300 });
    return { store, signed: signed.id, plain: plain.id };
  }

  it('finds a photo by words anywhere in its text, full- and half-width and any case alike, beside tag matches', async () => {
    const { store, signed, plain } = await photos();

    expect(await store.historyIds({ search: '识别' })).toEqual([signed]);
    expect(await store.historyIds({ search: 'shop 5' })).toEqual([signed]);
    expect(await store.historyIds({ search: 'ＴＥＡ' })).toEqual([signed]);
    expect(await store.historyIds({ search: '测验' })).toEqual([]);
    // Tags still match by prefix, and either kind of match finds the photo.
    expect(await store.historyIds({ search: 'ca' })).toEqual([plain]);
    expect(await store.historyIds({ search: 'Tea' })).toEqual([signed]);
    expect(await store.historyIds({ search: '识别', needsReview: true })).toEqual([signed]);
    await store.recordFeedback({ type: 'tag-verdict', photoId: signed, tag: { id: 'dog' }, verdict: 'correct' });
    expect(await store.historyIds({ search: '识别', needsReview: true })).toEqual([]);
  });

  it('matches the text as corrected: a correction replaces the words read, and its undo brings them back', async () => {
    const { store, signed } = await photos();

    const corrected = await store.recordFeedback(correct(signed, sign, '万物商店'));
    expect(await store.historyIds({ search: '商店' })).toEqual([signed]);
    expect(await store.historyIds({ search: '识别' })).toEqual([]);
    // Read again, the same line keeps its correction.
    await store.saveText({ photoId: signed, model: 'test-model-1', lines: [sign], ms: 700 });
    expect(await store.historyIds({ search: '商店' })).toEqual([signed]);

    await store.undoFeedback(corrected.id);
    expect(await store.historyIds({ search: '商店' })).toEqual([]);
    expect(await store.historyIds({ search: '识别' })).toEqual([signed]);
  });

  it('applies a correction made before the text was kept', async () => {
    const { store } = setup();
    const photo = await store.savePhoto(preparedPhoto('sign'), recognition([dog]));
    await store.recordFeedback(correct(photo.id, sign, '万物商店'));
    await store.saveText({ photoId: photo.id, model: 'test-model-1', lines: [sign], ms: 900 });

    expect(await store.historyIds({ search: '商店' })).toEqual([photo.id]);
  });

  it("gives each history row its photo's lines as corrected", async () => {
    const { store, signed, plain } = await photos();
    await store.recordFeedback(correct(signed, sign, '万物商店'));

    const [first, second] = await store.historyItems([signed, plain]);
    expect(first.text).toEqual(['万物商店', shop.text]);
    expect(second.text).toEqual([]);
  });
});

describe('schema upgrade to version 4', () => {
  it('makes the text read before searchable, as the person corrected it', async () => {
    const { db, indexedDB } = setup();
    const photo = preparedPhoto('old');
    const v3 = new Dexie('wanwu', { indexedDB, IDBKeyRange });
    v3.version(1).stores(SCHEMA_V1);
    v3.version(2).stores({ photos: 'id, createdAt, *tagKeys, needsReview' });
    v3.version(3).stores({ texts: 'photoId' });
    await v3.table('photos').add({ ...photo, createdAt: 1_000, tagKeys: ['dog', '狗'], needsReview: 1 });
    await v3.table('recognitions').add({ ...recognition([dog]), photoId: photo.id, createdAt: 1_000 });
    await v3.table('texts').add({ photoId: photo.id, model: 'test-model-1', lines: [sign, again], ms: 900, createdAt: 1_000 });
    const event = {
      id: '01890a5d-ac96-774b-bcce-b302099a8057',
      type: 'text-corrected',
      photoId: photo.id,
      model: 'test-model-1',
      at: new Date(1_600).toISOString(),
      original: sign.text,
      corrected: '万物商店',
      box: sign.box,
    };
    await v3.table('feedback').add({ id: event.id, photoId: photo.id, event, undone: false });
    v3.close();

    const store = createLocalStore(db, { storage: undefined });

    expect(await store.historyIds({ search: '商店' })).toEqual([photo.id]);
    // The other line still says what was read.
    expect(await store.historyIds({ search: '识别测试' })).toEqual([photo.id]);
    expect(await db.textSearch.get(photo.id)).toEqual({ photoId: photo.id, text: '万物商店\n万物识别测试' });
    expect(await store.historyIds({ search: '狗' })).toEqual([photo.id]);
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
