import { RecognitionError } from '../../models/pipeline/errors.ts';
import type { TextReading } from '../../models/pipeline/ocr/text-reader.ts';
import type { Recognition } from '../../models/pipeline/types.ts';
import type { UpdateOutcome } from './model-updates.ts';
import type { DownloadProgress, LoadedModels, ModelChange, WorkerRequest, WorkerResponse } from './protocol.ts';

export type { UpdateOutcome } from './model-updates.ts';
export type { DownloadProgress, LoadedModels, ModelChange } from './protocol.ts';

export interface InferenceClient {
  /** Downloads (or reads from the cache), verifies and loads the current model bundle. */
  load(onProgress?: (progress: DownloadProgress) => void): Promise<LoadedModels>;
  /** Downloads the server's bundle in the background, if newer, and switches to it once it is built. */
  update(onProgress?: (progress: DownloadProgress) => void): Promise<UpdateOutcome>;
  /** Recognises one photo; rejects with a RecognitionError (it has `.code`). `bytes` stays usable. */
  recognize(bytes: ArrayBuffer, options?: { minScore?: number }): Promise<Recognition>;
  /** Reads the text in one photo; the first call downloads (with progress), verifies and loads the OCR models. */
  readText(bytes: ArrayBuffer, onProgress?: (progress: DownloadProgress) => void): Promise<TextReading>;
  dispose(): void;
}

interface Pending {
  resolve(value: unknown): void;
  reject(error: RecognitionError): void;
  onProgress?: (progress: DownloadProgress) => void;
}

/** A request before the client numbers it. */
type Request = WorkerRequest extends infer R ? (R extends unknown ? Omit<R, 'id'> : never) : never;

export interface InferenceClientOptions {
  preferWebGPU?: boolean;
  /** The active bundle changed (an update, or a rollback from one that failed). */
  onModelChange?: (change: ModelChange) => void;
}

/** The page's side of the inference worker: requests by id, replies matched back to their promises. */
export function createInferenceClient({ preferWebGPU = true, onModelChange }: InferenceClientOptions = {}): InferenceClient {
  const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: 'wanwu-inference' });
  const pending = new Map<number, Pending>();
  let nextId = 1;

  worker.onmessage = ({ data }: MessageEvent<WorkerResponse>) => {
    const call = pending.get(data.id);
    if (!call) return;
    if (data.type === 'progress') return call.onProgress?.({ loaded: data.loaded, total: data.total });
    if (data.type === 'changed') return onModelChange?.(data.change);
    pending.delete(data.id);
    if (data.type === 'failed') call.reject(new RecognitionError(data.error.code, data.error.message));
    else if (data.type === 'loaded') {
      const { version, previous, provider, threads, vocabulary } = data;
      call.resolve({ version, previous, provider, threads, vocabulary } satisfies LoadedModels);
    } else if (data.type === 'updated') call.resolve(data.outcome);
    else if (data.type === 'textRead') call.resolve(data.reading);
    else call.resolve(data.recognition);
  };
  // The worker script itself failed (e.g. offline before anything was cached): nothing can answer.
  worker.onerror = (event) => {
    event.preventDefault();
    failAll(new RecognitionError('model-unavailable', `The inference worker failed: ${event.message || 'it could not start'}`));
  };

  function failAll(error: RecognitionError): void {
    for (const call of pending.values()) call.reject(error);
    pending.clear();
  }

  function call<T>(request: Request, onProgress?: Pending['onProgress']): Promise<T> {
    const id = nextId++;
    return new Promise<T>((resolve, reject) => {
      pending.set(id, { resolve: resolve as Pending['resolve'], reject, onProgress });
      worker.postMessage({ ...request, id } as WorkerRequest);
    });
  }

  return {
    load: (onProgress) => call<LoadedModels>({ type: 'load', preferWebGPU }, onProgress),
    update: (onProgress) => call<UpdateOutcome>({ type: 'update' }, onProgress),
    // Copied, not transferred: callers (the benchmark) may send the same buffer again.
    recognize: (bytes, options = {}) => call<Recognition>({ type: 'recognize', bytes, minScore: options.minScore }),
    readText: (bytes, onProgress) => call<TextReading>({ type: 'readText', bytes }, onProgress),
    dispose() {
      worker.terminate();
      failAll(new RecognitionError('inference-failed', 'The inference client was disposed'));
    },
  };
}
