import Dexie, { type DexieOptions, type EntityTable, type Table, type Transaction } from 'dexie';
import type { Manifest } from '../../models/pipeline/manifest.ts';
import { foldFeedback, groupByPhoto, indexFields } from './feedback-state.ts';
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

/** Version 1: the tables of DESIGN.md ("Local store"). */
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

export class WanwuDatabase extends Dexie {
  photos!: EntityTable<PhotoRecord, 'id'>;
  recognitions!: EntityTable<RecognitionRecord, 'id'>;
  feedback!: EntityTable<FeedbackRecord, 'id'>;
  outbox!: EntityTable<OutboxRecord, 'id'>;
  models!: Table<ModelRecord, string>;
  settings!: Table<SettingRecord, string>;
  texts!: EntityTable<TextRecord, 'photoId'>;

  constructor(name = 'wanwu', options?: DexieOptions) {
    super(name, options);
    this.version(1).stores(SCHEMA_V1);
    this.version(2).stores(SCHEMA_V2).upgrade(indexPhotos);
    this.version(3).stores(SCHEMA_V3);
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
