import type { InferenceBackend } from '../../models/pipeline/backend.ts';
import type { ImageDecoder } from '../../models/pipeline/image.ts';
import { createRecognizer, type Recognizer } from '../../models/pipeline/recognize.ts';
import { decodeImage } from './decode-image.ts';
import { createNodeBackend } from './ort-node-backend.ts';
import { readBundleFiles, readBundleManifest } from './read-bundle.ts';

/** How the Node model loaders (recognizer, text reader) run: onnxruntime-node and the pure-JS decoder unless told. */
export interface NodeModelOptions {
  backend?: InferenceBackend;
  decode?: ImageDecoder;
}

/** The recognizer Node runs (CLI, server-side evaluation): the built bundle on onnxruntime-node. */
export async function loadRecognizer(
  bundleDir: string,
  { backend = createNodeBackend(), decode = decodeImage }: NodeModelOptions = {},
): Promise<Recognizer> {
  const manifest = await readBundleManifest(bundleDir);
  const files = await readBundleFiles(bundleDir, manifest.files);
  return createRecognizer({ backend, manifest, files, decode });
}
