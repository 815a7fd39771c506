/// <reference lib="webworker" />
import '../zod-without-eval.ts';
import { RecognitionError, toErrorData } from '../../models/pipeline/errors.ts';
import type { Manifest, OcrEntry } from '../../models/pipeline/manifest.ts';
import { createTextReader, type TextReader } from '../../models/pipeline/ocr/text-reader.ts';
import { createRecognizer, type Recognizer } from '../../models/pipeline/recognize.ts';
import { openDatabase } from '../store/schema.ts';
import { fetchCurrentManifest, loadBundleFiles, loadModelFiles, pruneModelFiles } from './bundle-loader.ts';
import { decodeImage } from './decode-image.ts';
import { createInstalledModels } from './installed-models.ts';
import { createOcrLoader } from './ocr-loader.ts';
import { createModelManager, type BundleFiles, type ModelManager, type ModelSwitch } from './model-updates.ts';
import { createWebBackend, type WebBackend } from './ort-web-backend.ts';
import type { LoadedModels, WorkerRequest, WorkerResponse } from './protocol.ts';

/**
 * The inference worker: starts on the installed bundle (downloading and verifying it the first
 * time), updates to the server's in the background, and recognises photos one at a time. It reads
 * text too, with OCR models it loads the first time it is asked to.
 */

declare const self: DedicatedWorkerGlobalScope;

interface Runner extends Recognizer {
  backend: WebBackend;
}

let manager: ModelManager<Runner> | undefined;
let loading: Promise<ModelSwitch | null> | undefined;
const ocr = createOcrLoader({ files: loadModelFiles, create: (entry, files) => startReader(entry, files) });

self.onmessage = (event: MessageEvent<WorkerRequest>) => {
  void handle(event.data);
};

function post(response: WorkerResponse, transfer: Transferable[] = []): void {
  self.postMessage(response, transfer);
}

async function handle(request: WorkerRequest): Promise<void> {
  const { id } = request;
  const onProgress = (progress: { loaded: number; total: number }) => post({ id, type: 'progress', ...progress });
  const announce = (models: ModelManager<Runner>, change: ModelSwitch | null) =>
    change && post({ id, type: 'changed', change: { ...change, models: loadedModels(models) } });
  try {
    if (request.type === 'load') {
      manager ??= createManager(request.preferWebGPU);
      loading ??= manager.start(onProgress);
      // A failed load is forgotten so that the next request tries again (e.g. back online).
      loading.catch(() => (loading = undefined));
      announce(manager, await loading);
      post({ id, type: 'loaded', ...loadedModels(manager) });
    } else if (request.type === 'update') {
      const models = await ready();
      const outcome = await models.update(onProgress);
      if (outcome.outcome === 'switched') announce(models, outcome.change);
      post({ id, type: 'updated', outcome });
    } else if (request.type === 'readText') {
      const models = await ready();
      const reader = await ocr.reader(models.active().manifest, onProgress);
      post({ id, type: 'textRead', reading: await reader.read(new Uint8Array(request.bytes)) });
    } else {
      const models = await ready();
      const { recognition, change } = await models.recognize(new Uint8Array(request.bytes), { minScore: request.minScore });
      announce(models, change);
      const buffer = recognition.embedding?.buffer;
      post({ id, type: 'recognized', recognition }, buffer instanceof ArrayBuffer ? [buffer] : []);
    }
  } catch (error) {
    post({ id, type: 'failed', error: toErrorData(error) });
  }
}

/** The manager once its first load has succeeded. */
async function ready(): Promise<ModelManager<Runner>> {
  if (!manager || !loading) throw new RecognitionError('model-unavailable', 'The models are not loaded yet');
  await loading;
  return manager;
}

function loadedModels(models: ModelManager<Runner>): LoadedModels {
  const { manifest, runner, previous } = models.active();
  return { version: manifest.version, previous, provider: runner.backend.provider, threads: runner.backend.threads, vocabulary: manifest.tags };
}

function createManager(preferWebGPU: boolean): ModelManager<Runner> {
  return createModelManager<Runner>({
    installed: createInstalledModels(openDatabase()),
    currentManifest: fetchCurrentManifest,
    files: loadBundleFiles,
    start: (manifest, files) => start(manifest, files, preferWebGPU),
    prune: pruneModelFiles,
  });
}

async function start(manifest: Manifest, files: BundleFiles, preferWebGPU: boolean): Promise<Runner> {
  if (preferWebGPU) {
    try {
      return await startOn(manifest, files, true);
    } catch (error) {
      // A WebGPU adapter that cannot run the models (driver, limits) must not cost the user the app.
      console.warn('Wanwu: WebGPU failed, using WASM instead', error);
    }
  }
  return startOn(manifest, files, false);
}

async function startOn(manifest: Manifest, files: BundleFiles, preferWebGPU: boolean): Promise<Runner> {
  const backend = await createWebBackend({ preferWebGPU });
  return { ...(await createRecognizer({ backend, manifest, files, decode: decodeImage })), backend };
}

/** On the recognizer's backend (the same onnxruntime build); on WASM when WebGPU cannot build the OCR models. */
async function startReader(entry: OcrEntry, files: Record<string, Uint8Array>): Promise<TextReader> {
  const { backend } = (await ready()).active().runner;
  const build = (on: WebBackend) => createTextReader({ backend: on, entry, files, decode: decodeImage });
  if (backend.provider === 'wasm') return build(backend);
  try {
    return await build(backend);
  } catch (error) {
    console.warn('Wanwu: WebGPU failed to load the OCR models, using WASM instead', error);
    return build(await createWebBackend({ preferWebGPU: false }));
  }
}
