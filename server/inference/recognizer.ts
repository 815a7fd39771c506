import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { InferenceBackend } from '../../models/pipeline/backend.ts';
import { verifyBundleFile } from '../../models/pipeline/bundle.ts';
import { RecognitionError } from '../../models/pipeline/errors.ts';
import { MANIFEST_FILE, parseManifest, type Manifest } from '../../models/pipeline/manifest.ts';
import { createRecognizer, type Recognizer } from '../../models/pipeline/recognize.ts';
import { decodeImage } from './decode-image.ts';
import { createNodeBackend } from './ort-node-backend.ts';

const REBUILD = 'run `npm run models` to build it';

/** The recognizer Node runs (CLI, server-side evaluation): the built bundle on onnxruntime-node. */
export async function loadRecognizer(bundleDir: string, backend: InferenceBackend = createNodeBackend()): Promise<Recognizer> {
  const manifest = await readManifest(bundleDir);
  const files: Record<string, Uint8Array> = {};
  for (const file of manifest.files) {
    // The validated manifest only holds plain file names: no path is built from anything else.
    const bytes = await readFile(join(bundleDir, file.path)).catch((error: unknown) => {
      throw new RecognitionError('model-unavailable', `Model file ${file.path} is missing from ${bundleDir}; ${REBUILD}`, { cause: error });
    });
    await verifyBundleFile(file, bytes);
    files[file.path] = bytes;
  }
  return createRecognizer({ backend, manifest, files, decode: decodeImage });
}

async function readManifest(bundleDir: string): Promise<Manifest> {
  const path = join(bundleDir, MANIFEST_FILE);
  const text = await readFile(path, 'utf8').catch((error: unknown) => {
    throw new RecognitionError('model-unavailable', `No model bundle in ${bundleDir}; ${REBUILD}`, { cause: error });
  });
  try {
    return parseManifest(JSON.parse(text));
  } catch (error) {
    throw new RecognitionError('model-unavailable', `${path} is not a valid model manifest; ${REBUILD}`, { cause: error });
  }
}
