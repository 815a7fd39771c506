import type { ErrorData } from '../../models/pipeline/errors.ts';
import type { VocabularyTag } from '../../models/pipeline/manifest.ts';
import type { TextReading } from '../../models/pipeline/ocr/text-reader.ts';
import type { Recognition } from '../../models/pipeline/types.ts';
import type { ModelSwitch, UpdateOutcome } from './model-updates.ts';
import type { WebProvider } from './ort-web-backend.ts';

/** What a loaded inference worker reports about itself. */
export interface LoadedModels {
  version: string;
  /** The version kept to fall back to, if any. */
  previous: string | null;
  provider: WebProvider;
  threads: number;
  /** The bundle's tags (names, pinyin, thresholds), for adding tags by name; sent once per load. */
  vocabulary: VocabularyTag[];
}

export interface DownloadProgress {
  loaded: number;
  total: number;
}

/** The active bundle changed, and what runs now. */
export interface ModelChange extends ModelSwitch {
  models: LoadedModels;
}

/** Page → worker. Every request carries an id; every reply names the request it answers. */
export type WorkerRequest =
  | { id: number; type: 'load'; preferWebGPU: boolean }
  | { id: number; type: 'update' }
  | { id: number; type: 'recognize'; bytes: ArrayBuffer; minScore?: number }
  /** Reads the text in a photo; the first time, the OCR files download (with `progress`) and load. */
  | { id: number; type: 'readText'; bytes: ArrayBuffer };

/**
 * Worker → page. Errors travel as data, never as thrown objects. A `changed` message comes before
 * the answer of the request during which the active bundle changed (a load, an update, or a
 * recognition that rolled back).
 */
export type WorkerResponse =
  | ({ id: number; type: 'progress' } & DownloadProgress)
  | { id: number; type: 'changed'; change: ModelChange }
  | ({ id: number; type: 'loaded' } & LoadedModels)
  | { id: number; type: 'updated'; outcome: UpdateOutcome }
  | { id: number; type: 'recognized'; recognition: Recognition }
  | { id: number; type: 'textRead'; reading: TextReading }
  | { id: number; type: 'failed'; error: ErrorData };
