/// <reference lib="webworker" />
import { RecognitionError, toErrorData } from '../../models/pipeline/errors.ts';
import { createRecognizer, type Recognizer } from '../../models/pipeline/recognize.ts';
import { loadBundle, type LoadedBundle } from './bundle-loader.ts';
import { decodeImage } from './decode-image.ts';
import { createWebBackend } from './ort-web-backend.ts';
import type { LoadedModels, WorkerRequest, WorkerResponse } from './protocol.ts';

/** The inference worker: downloads and verifies the bundle, then recognises photos one at a time. */

declare const self: DedicatedWorkerGlobalScope;

interface Loaded {
  recognizer: Recognizer;
  models: LoadedModels;
}

let loading: Promise<Loaded> | undefined;

self.onmessage = (event: MessageEvent<WorkerRequest>) => {
  void handle(event.data);
};

function post(response: WorkerResponse, transfer: Transferable[] = []): void {
  self.postMessage(response, transfer);
}

async function handle(request: WorkerRequest): Promise<void> {
  const { id } = request;
  try {
    if (request.type === 'load') {
      loading ??= load(request.preferWebGPU, (progress) => post({ id, type: 'progress', ...progress }));
      // A failed load is forgotten so that the next request tries again (e.g. back online).
      loading.catch(() => (loading = undefined));
      post({ id, type: 'loaded', ...(await loading).models });
    } else {
      if (!loading) throw new RecognitionError('model-unavailable', 'The models are not loaded yet');
      const { recognizer } = await loading;
      const recognition = await recognizer.recognize(new Uint8Array(request.bytes), { minScore: request.minScore });
      const buffer = recognition.embedding?.buffer;
      post({ id, type: 'recognized', recognition }, buffer instanceof ArrayBuffer ? [buffer] : []);
    }
  } catch (error) {
    post({ id, type: 'failed', error: toErrorData(error) });
  }
}

async function load(preferWebGPU: boolean, onProgress: Parameters<typeof loadBundle>[0]): Promise<Loaded> {
  const bundle = await loadBundle(onProgress);
  if (preferWebGPU) {
    try {
      return await start(bundle, true);
    } catch (error) {
      // A WebGPU adapter that cannot run the models (driver, limits) must not cost the user the app.
      console.warn('Wanwu: WebGPU failed, using WASM instead', error);
    }
  }
  return start(bundle, false);
}

async function start({ manifest, files }: LoadedBundle, preferWebGPU: boolean): Promise<Loaded> {
  const backend = await createWebBackend({ preferWebGPU });
  const recognizer = await createRecognizer({ backend, manifest, files, decode: decodeImage });
  const models = { version: manifest.version, provider: backend.provider, threads: backend.threads, vocabulary: manifest.tags };
  return { recognizer, models };
}
