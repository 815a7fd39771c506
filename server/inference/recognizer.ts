import type { InferenceBackend } from '../../models/pipeline/backend.ts';
import { createRecognizer, type Recognizer } from '../../models/pipeline/recognize.ts';
import { decodeImage } from './decode-image.ts';
import { createNodeBackend } from './ort-node-backend.ts';
import { readBundleFiles, readBundleManifest } from './read-bundle.ts';

/** The recognizer Node runs (CLI, server-side evaluation): the built bundle on onnxruntime-node. */
export async function loadRecognizer(bundleDir: string, backend: InferenceBackend = createNodeBackend()): Promise<Recognizer> {
  const manifest = await readBundleManifest(bundleDir);
  const files = await readBundleFiles(bundleDir, manifest.files);
  return createRecognizer({ backend, manifest, files, decode: decodeImage });
}
