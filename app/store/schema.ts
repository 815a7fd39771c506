import Dexie, { type DexieOptions, type EntityTable, type Table, type Transaction } from 'dexie';
import type { Manifest } from '../../models/pipeline/manifest.ts';
import { foldFeedback, groupByPhoto, indexFields } from './feedback-state.ts';
import { foldTextFeedback, searchTextOf } from './text-feedback.ts';
import type { FeedbackRecord, OutboxRecord, PhotoRecord, RecognitionRecord, TextRecord } from './local-store.ts';

/**
 * The IndexedDB schema, one Dexie version per change. A version is never edited once shipped:
 * a change is a new version with an upgrade that brings existing rows along.
 */

/**
 * An installed model bundle (app/inference/installed-models.ts): its manifest, kept here so the
 * device starts on it offline; its files are in Cache Storage by sha256. Only the active and the
 * previous version are kept. Unindexed fields only: no schema version needed.
 */
export interface ModelRecord {
  version: string;
  manifest: Manifest;
  installedAt: number;
}

/** One app setting (device id, consent, language, …) by key. */
export interface SettingRecord {
  key: string;
  value: unknown;
}

/**
 * A photo's text as history search matches it: its lines as the person left them (corrections
 * applied), folded by foldForSearch(), one per line (searchTextOf()). Derived: the store rewrites it
 * with every reading and every text act.
 */
export interface TextSearchRecord {
  photoId: string;
  text: string;
}

/** Version 1: photos, recognitions, feedback, outbox, models and settings. */
export const SCHEMA_V1 = {
  photos: 'id, createdAt',
  recognitions: '++id, photoId',
  feedback: 'id, photoId',
  outbox: 'id, createdAt',
  models: 'version',
  settings: 'key',
} as const;

/** Version 2: photos searchable by tag (multi-entry `tagKeys`) and filterable by `needsReview`. */
const SCHEMA_V2 = {
  photos: 'id, createdAt, *tagKeys, needsReview',
} as const;

/** Version 3: the text read in photos, one row per photo. A new table: no existing row changes. */
const SCHEMA_V3 = {
  texts: 'photoId',
} as const;

/**
 * Version 4: `textSearch`, what history search matches in each photo's text. A table of its own, so
 * that a search reads short strings, not every line's box: at 5,000 photos with six lines each,
 * reading it took about a quarter of the time that reading `texts` did (Chromium, same run).
 */
const SCHEMA_V4 = {
  textSearch: 'photoId',
} as const;

export class WanwuDatabase extends Dexie {
  photos!: EntityTable<PhotoRecord, 'id'>;
  recognitions!: EntityTable<RecognitionRecord, 'id'>;
  feedback!: EntityTable<FeedbackRecord, 'id'>;
  outbox!: EntityTable<OutboxRecord, 'id'>;
  models!: Table<ModelRecord, string>;
  settings!: Table<SettingRecord, string>;
  texts!: EntityTable<TextRecord, 'photoId'>;
  textSearch!: EntityTable<TextSearchRecord, 'photoId'>;

  constructor(name = 'wanwu', options?: DexieOptions) {
    super(name, options);
    this.version(1).stores(SCHEMA_V1);
    this.version(2).stores(SCHEMA_V2).upgrade(indexPhotos);
    this.version(3).stores(SCHEMA_V3);
    this.version(4).stores(SCHEMA_V4).upgrade(indexTexts);
  }
}

/** The app's database; `options` lets tests and benchmarks pass their own IndexedDB. */
export function openDatabase(name = 'wanwu', options?: DexieOptions): WanwuDatabase {
  return new WanwuDatabase(name, options);
}

/** v1 → v2: derives every photo's search keys and review flag from its latest recognition and its feedback. */
async function indexPhotos(tx: Transaction): Promise<void> {
  const latest = new Map<string, RecognitionRecord>();
  await tx.table<RecognitionRecord, number>('recognitions').each((recognition) => {
    // Ascending auto-increment ids: the last one seen per photo is the latest.
    latest.set(recognition.photoId, recognition);
  });
  const feedback = groupByPhoto(await tx.table<FeedbackRecord, string>('feedback').toArray());
  await tx
    .table<PhotoRecord, string>('photos')
    .toCollection()
    .modify((photo) => {
      Object.assign(photo, indexFields(latest.get(photo.id), foldFeedback(feedback.get(photo.id) ?? [])));
    });
}

/** v3 → v4: the search text of every photo read before, from its lines and the person's text corrections. */
async function indexTexts(tx: Transaction): Promise<void> {
  const acts = await tx
    .table<FeedbackRecord, string>('feedback')
    .filter((record) => record.event.type === 'text-corrected')
    .toArray();
  const byPhoto = groupByPhoto(acts);
  const texts = await tx.table<TextRecord, string>('texts').toArray();
  await tx.table<TextSearchRecord, string>('textSearch').bulkPut(
    texts.map(({ photoId, lines }) => ({ photoId, text: searchTextOf(lines, foldTextFeedback(byPhoto.get(photoId) ?? [])) })),
  );
}
