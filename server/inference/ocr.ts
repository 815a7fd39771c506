import { RecognitionError } from '../../models/pipeline/errors.ts';
import { createTextReader, type TextReader } from '../../models/pipeline/ocr/text-reader.ts';
import { decodeImage } from './decode-image.ts';
import { createNodeBackend } from './ort-node-backend.ts';
import { readBundleFiles, readBundleManifest, REBUILD } from './read-bundle.ts';
import type { NodeModelOptions } from './recognizer.ts';

/** The text reader Node runs (CLI): the built bundle's OCR models on onnxruntime-node. */
export async function loadTextReader(
  bundleDir: string,
  { backend = createNodeBackend(), decode = decodeImage }: NodeModelOptions = {},
): Promise<TextReader> {
  const { ocr, version } = await readBundleManifest(bundleDir);
  if (!ocr) throw new RecognitionError('model-unavailable', `Model bundle ${version} has no OCR models; ${REBUILD}`);
  return createTextReader({ backend, entry: ocr, files: await readBundleFiles(bundleDir, ocr.files), decode });
}
