import { createHash } from 'node:crypto';
import { chmod, mkdir, mkdtemp, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { allBundleFiles, MANIFEST_FILE, ManifestSchema, type BundleFile, type Manifest, type ModelEntry, type OcrEntry, type VocabularyTag } from '../pipeline/manifest.ts';
import { hashFile } from './fingerprint.ts';


export interface BundleContents {
  /** Model entries, each naming its file in `files`. */
  models: ModelEntry[];
  files: ReadonlyMap<string, Uint8Array>;
  tags: VocabularyTag[];
  inputs: string;
  /** Reading text: its entry and its files, listed apart in the manifest (fetched on first use). */
  ocr?: { entry: Omit<OcrEntry, 'files'>; files: ReadonlyMap<string, Uint8Array> };
}

/**
 * The validated manifest for these contents. The version is a content hash of the files, the
 * model entries and the vocabulary (thresholds included): the same bundle always gets the same
 * version, and anything an app would notice changes it.
 */
export function composeManifest({ models, files, tags, inputs, ocr }: BundleContents, created = new Date()): Manifest {
  const bundleFiles = listFiles(files);
  const ocrEntry = ocr && { ...ocr.entry, files: listFiles(ocr.files) };
  const version = sha256Hex(JSON.stringify({ files: bundleFiles, models, tags, ...(ocrEntry && { ocr: ocrEntry }) })).slice(0, 12);
  return ManifestSchema.parse({
    format: 1, version, created: created.toISOString(), files: bundleFiles, models, tags, inputs, ...(ocrEntry && { ocr: ocrEntry }),
  });
}

function listFiles(files: ReadonlyMap<string, Uint8Array>): BundleFile[] {
  return [...files].map(([path, bytes]) => ({ path, sha256: sha256Hex(bytes), bytes: bytes.length }));
}

/** The manifest in `dir` when it was built from `inputs` and every file still has its size and hash. */
export async function readFreshBundle(dir: string, inputs: string): Promise<Manifest | undefined> {
  const json = await readFile(join(dir, MANIFEST_FILE), 'utf8').then(JSON.parse, () => undefined).catch(() => undefined);
  const parsed = ManifestSchema.safeParse(json);
  if (!parsed.success || parsed.data.inputs !== inputs) return undefined;
  for (const file of allBundleFiles(parsed.data)) {
    const path = join(dir, file.path);
    const size = await stat(path).then((s) => s.size, () => -1);
    if (size !== file.bytes || (await hashFile(path)) !== file.sha256) return undefined;
  }
  return parsed.data;
}

/**
 * Writes the bundle beside `dir` and swaps it in with renames, so `dir` only ever holds a
 * complete bundle (or, after a crash between the two renames, none, which the next build redoes).
 */
export async function writeBundle(dir: string, manifest: Manifest, files: ReadonlyMap<string, Uint8Array>): Promise<void> {
  await mkdir(dirname(dir), { recursive: true });
  const staging = await mkdtemp(join(dirname(dir), `.${basename(dir)}-`));
  const retired = `${staging}-old`;
  try {
    await chmod(staging, 0o755); // mkdtemp makes it owner-only; a bundle is public
    for (const [path, bytes] of files) await writeFile(join(staging, path), bytes);
    await writeFile(join(staging, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
    await rename(dir, retired).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error;
    });
    await rename(staging, dir);
  } finally {
    await rm(staging, { recursive: true, force: true });
    await rm(retired, { recursive: true, force: true });
  }
}

function sha256Hex(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}
