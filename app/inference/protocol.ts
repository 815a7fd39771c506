import type { ErrorData } from '../../models/pipeline/errors.ts';
import type { VocabularyTag } from '../../models/pipeline/manifest.ts';
import type { Recognition } from '../../models/pipeline/types.ts';
import type { WebProvider } from './ort-web-backend.ts';

/** What a loaded inference worker reports about itself. */
export interface LoadedModels {
  version: string;
  provider: WebProvider;
  threads: number;
  /** The bundle's tags (names, pinyin, thresholds), for adding tags by name; sent once per load. */
  vocabulary: VocabularyTag[];
}

export interface DownloadProgress {
  loaded: number;
  total: number;
}

/** Page → worker. Every request carries an id; every reply names the request it answers. */
export type WorkerRequest =
  | { id: number; type: 'load'; preferWebGPU: boolean }
  | { id: number; type: 'recognize'; bytes: ArrayBuffer; minScore?: number };

/** Worker → page. Errors travel as data, never as thrown objects. */
export type WorkerResponse =
  | ({ id: number; type: 'progress' } & DownloadProgress)
  | ({ id: number; type: 'loaded' } & LoadedModels)
  | { id: number; type: 'recognized'; recognition: Recognition }
  | { id: number; type: 'failed'; error: ErrorData };
