import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { verifyBundleFile } from '../../models/pipeline/bundle.ts';
import { RecognitionError } from '../../models/pipeline/errors.ts';
import { MANIFEST_FILE, parseManifest, type BundleFile, type Manifest } from '../../models/pipeline/manifest.ts';

/** What every "no usable bundle" message tells people to do. */
export const REBUILD = 'run `npm run models` to build it';

/** The bundle's manifest, validated. */
export async function readBundleManifest(bundleDir: string): Promise<Manifest> {
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

/** The named bundle files, each checked against its size and hash. */
export async function readBundleFiles(bundleDir: string, files: readonly BundleFile[]): Promise<Record<string, Uint8Array>> {
  const read: Record<string, Uint8Array> = {};
  for (const file of files) {
    // The validated manifest only holds plain file names: no path is built from anything else.
    const bytes = await readFile(join(bundleDir, file.path)).catch((error: unknown) => {
      throw new RecognitionError('model-unavailable', `Model file ${file.path} is missing from ${bundleDir}; ${REBUILD}`, { cause: error });
    });
    await verifyBundleFile(file, bytes);
    read[file.path] = bytes;
  }
  return read;
}
