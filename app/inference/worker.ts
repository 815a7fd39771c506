/// <reference lib="webworker" />
import { RecognitionError, toErrorData } from '../../models/pipeline/errors.ts';
import type { Manifest } from '../../models/pipeline/manifest.ts';
import { createRecognizer, type Recognizer } from '../../models/pipeline/recognize.ts';
import { openDatabase } from '../store/schema.ts';
import { fetchCurrentManifest, loadBundleFiles, pruneModelFiles } from './bundle-loader.ts';
import { decodeImage } from './decode-image.ts';
import { createInstalledModels } from './installed-models.ts';
import { createModelManager, type BundleFiles, type ModelManager, type ModelSwitch } from './model-updates.ts';
import { createWebBackend, type WebBackend } from './ort-web-backend.ts';
import type { LoadedModels, WorkerRequest, WorkerResponse } from './protocol.ts';

/**
 * The inference worker: starts on the installed bundle (downloading and verifying it the first
 * time), updates to the server's in the background, and recognises photos one at a time.
 */

declare const self: DedicatedWorkerGlobalScope;

interface Runner extends Recognizer {
  backend: WebBackend;
}

let manager: ModelManager<Runner> | undefined;
let loading: Promise<ModelSwitch | null> | undefined;

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
