import type { FeedbackEvent, TagOrigin, TagRef, Verdict } from '../../server/contract/feedback-event.ts';
import type { ExecutionProvider } from '../../models/pipeline/backend.ts';
import type { TextLine } from '../../models/pipeline/ocr/read-text.ts';
import type { Quad } from '../../models/pipeline/ocr/quad.ts';
import type { StageTimings, Tag } from '../../models/pipeline/types.ts';

/**
 * The app's local store (Dexie / IndexedDB): what it keeps and the operations the UI uses.
 * Implemented by `createLocalStore()` in ./store.ts over the schema in ./schema.ts.
 */

/** A photo as kept on the device: downscaled, re-encoded, every byte of metadata gone. */
export interface PreparedPhoto {
  /** sha256 (hex) of `image`'s bytes. */
  id: string;
  /** JPEG, long side ≤ 1280 px, no EXIF/GPS/maker notes/comments. */
  image: Blob;
  /** JPEG, long side ≤ 256 px, for lists. */
  thumbnail: Blob;
  width: number;
  height: number;
}

export interface PhotoRecord {
  id: string;
  /** null once dropped to free space (only ever for photos whose feedback is all synced). */
  image: Blob | null;
  thumbnail: Blob | null;
  width: number;
  height: number;
  /** ms since the epoch; history lists newest first. */
  createdAt: number;
  /** Search keys (schema v2): tagKey() of every shown, personal, added or confirmed tag, plus their zh/en names in lower case. */
  tagKeys: string[];
  /** Schema v2: 1 while a shown tag has no verdict and the photo is not confirmed. */
  needsReview: 0 | 1;
  /** Set once the server holds the bytes (or refused them for good): a photo is sent at most once. */
  uploaded?: true;
}

export interface RecognitionRecord {
  id?: number;
  photoId: string;
  model: string;
  provider: ExecutionProvider;
  /** Every tag the models listed (shown or not) plus personal suggestions, best first. */
  tags: Tag[];
  embedding: Float32Array | null;
  /** The base models' scores before corrections; absent in records from before they were kept. */
  baseScores?: Record<string, number>;
  timings: StageTimings;
  createdAt: number;
}

/** A tag's names, kept with an added vocabulary tag so history can show and search it without the vocabulary. */
export interface TagNames {
  en: string;
  zh: string;
}

/** One user act, as the UI asks for it; the store adds ids, time, model, embedding. */
export type FeedbackAct =
  | { type: 'tag-verdict'; photoId: string; tag: TagRef; verdict: Verdict; score?: number; origin?: TagOrigin }
  | { type: 'tag-added'; photoId: string; tag: TagRef; origin?: TagOrigin; names?: TagNames }
  | { type: 'photo-confirmed'; photoId: string; tags: TagRef[] }
  /** A read line confirmed (`corrected === original`) or corrected. */
  | { type: 'text-corrected'; photoId: string; original: string; corrected: string; box: Quad; score?: number };

/** The text read in a photo (schema v3), kept so history shows it without reading again. */
export interface TextRecord {
  photoId: string;
  /** Version of the model bundle that read it. */
  model: string;
  /** In reading order; boxes in the kept image's pixels. */
  lines: TextLine[];
  /** Milliseconds the reading took. */
  ms: number;
  createdAt: number;
}

/** The standing judgement of one read line: what it really says, and the act that said so (to undo). */
export interface TextCorrection {
  corrected: string;
  feedbackId: string;
}

export interface FeedbackRecord {
  /** UUIDv7; equals the id of the event it queued. */
  id: string;
  photoId: string;
  /** The act and the event it became (the outbox row carries the same event until sent). */
  event: FeedbackEvent;
  /** Set by undo; an undone act no longer counts (its unsent event was dropped, a sent one retracted). */
  undone: boolean;
  /** The act's `names`, for an added tag. */
  names?: TagNames;
}

export interface OutboxRecord {
  /** The event's id. */
  id: string;
  event: FeedbackEvent;
  createdAt: number;
  attempts: number;
  /** ms since the epoch before which the sync must not try again (backoff). */
  notBefore: number;
  /** Set before the event first leaves: the server may hold it from then on, so an undo retracts it. */
  sentAt?: number;
  /** The server refused it for good: kept (Settings counts it) but never sent again. */
  rejected?: { code: string; message: string };
}

/** The current state of a photo's feedback: the latest act per tag that was not undone. */
export interface PhotoFeedback {
  /** tagKey → the verdict and the feedback row that set it (to undo). */
  verdicts: Map<string, { verdict: Verdict; feedbackId: string }>;
  /** Tags the person added, with the feedback row that added each. */
  added: { tag: TagRef; feedbackId: string }[];
  /** The "all correct" act, if any and not undone. */
  confirmedBy: string | null;
}

export interface HistoryQuery {
  /** Only photos with a shown tag still lacking a verdict. */
  needsReview?: boolean;
  /**
   * Matches tag ids, zh/en names and free-text tags by prefix, case-insensitively, or anywhere in the
   * text read in the photo as the person corrected it (full- and half-width alike).
   */
  search?: string;
}

/** What one row of the history list shows. */
export interface HistoryItem {
  photo: PhotoRecord;
  /** The tags to list: shown + personal + added, with the verdict each has (if any). */
  tags: { key: string; en: string; zh: string; verdict: Verdict | null }[];
  /** The text read in the photo, one entry per line as corrected; empty when none was read. */
  text: string[];
}

/** A corrected photo the device learns from (nearest-neighbour suggestions). */
export interface CorrectedExample {
  photoId: string;
  embedding: Float32Array;
  /** tagKey → verdict, added tags count as correct. Names for suggesting them again. */
  labels: { key: string; tag: TagRef; en: string; zh: string; verdict: Verdict }[];
}

export interface StorageReport {
  usage: number | null;
  quota: number | null;
  persisted: boolean | null;
  photos: number;
}

/** Thrown (with code 'storage-full') when nothing more can be freed; nothing was lost. */
export class StorageFullError extends Error {
  override readonly name = 'StorageFullError';
  readonly code = 'storage-full';
}

export interface LocalStore {
  /** Keeps a photo and its recognition; a photo seen before keeps its feedback (same id). */
  savePhoto(photo: PreparedPhoto, recognition: Omit<RecognitionRecord, 'id' | 'photoId' | 'createdAt'>): Promise<PhotoRecord>;
  getPhoto(id: string): Promise<PhotoRecord | undefined>;
  latestRecognition(photoId: string): Promise<RecognitionRecord | undefined>;
  /** Writes the feedback row and its outbox row in one transaction; asks for persistent storage on the first one. */
  recordFeedback(act: FeedbackAct): Promise<FeedbackRecord>;
  /** Undoes one act: drops its outbox row if it never left, else queues a `feedback-retracted` event. */
  undoFeedback(feedbackId: string): Promise<void>;
  photoFeedback(photoId: string): Promise<PhotoFeedback>;
  /** Ids of matching photos, newest first: cheap even for thousands of photos. */
  historyIds(query?: HistoryQuery): Promise<string[]>;
  /** The rows for some of those ids (a window of the virtualised list), in the given order. */
  historyItems(ids: readonly string[]): Promise<HistoryItem[]>;
  /** Removes a photo, its recognitions and feedback rows; queued events still go out (they hold no image). */
  deletePhoto(id: string): Promise<void>;
  correctedExamples(): Promise<CorrectedExample[]>;
  /** Keeps the text read in a photo, replacing an earlier reading. */
  saveText(text: Omit<TextRecord, 'createdAt'>): Promise<void>;
  savedText(photoId: string): Promise<TextRecord | undefined>;
  /** textLineKey() of each judged line → its standing correction (acts not undone, the latest per line). */
  textFeedback(photoId: string): Promise<Map<string, TextCorrection>>;
  /** Free-text tags this person added before, for autocomplete and deduplication. */
  userTags(): Promise<TagRef[]>;
  storageReport(): Promise<StorageReport>;
  /** Asks the browser to keep this origin's data (navigator.storage.persist); the answer. */
  requestPersistence(): Promise<boolean>;
}
