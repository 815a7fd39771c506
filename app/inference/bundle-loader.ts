import { verifyBundleFile } from '../../models/pipeline/bundle.ts';
import { messageOf, RecognitionError } from '../../models/pipeline/errors.ts';
import { allBundleFiles, parseManifest, type BundleFile, type Manifest } from '../../models/pipeline/manifest.ts';
import { MANIFEST_CACHE, MANIFEST_URL, MODEL_CACHE, modelCacheKey, modelFileUrl } from '../pwa/caches.ts';
import { BundleRefusedError } from './model-updates.ts';
import type { DownloadProgress } from './protocol.ts';

/**
 * The server's current manifest, from the network (the service worker's copy when offline): what a
 * device starts on the first time, and what it updates to later.
 */
export async function fetchCurrentManifest(): Promise<Manifest> {
  const cache = await openCache(MANIFEST_CACHE);
  let response = await fetch(MANIFEST_URL, { cache: 'no-cache' }).catch(() => undefined);
  if (response?.ok) await cache?.put(MANIFEST_URL, response.clone());
  else response = (await cache?.match(MANIFEST_URL)) ?? response;
  if (!response) throw unavailable('the model server cannot be reached and no model is saved on this device');
  if (!response.ok) throw unavailable(`the model server answered ${response.status} ${response.statusText}`);
  try {
    return parseManifest(await response.json());
  } catch (error) {
    throw unavailable('the model manifest is not valid', error);
  }
}

/** A bundle's recognition files (its OCR files come only when asked for: loadModelFiles with `manifest.ocr.files`). */
export function loadBundleFiles(manifest: Manifest, onProgress: (progress: DownloadProgress) => void): Promise<Record<string, Uint8Array>> {
  return loadModelFiles(manifest.version, manifest.files, onProgress);
}

/**
 * Files of a bundle version, each verified by sha256: from the cache when a file with that hash is
 * there (whichever version brought it), else downloaded with byte progress and then cached.
 * Verified files go into Cache Storage, so one online visit is enough to work offline.
 */
export async function loadModelFiles(
  version: string,
  files: readonly BundleFile[],
  onProgress: (progress: DownloadProgress) => void,
): Promise<Record<string, Uint8Array>> {
  const total = files.reduce((sum, file) => sum + file.bytes, 0);
  let loaded = 0;
  onProgress({ loaded, total });
  const cache = await openCache(MODEL_CACHE);
  const contents = await Promise.all(
    files.map((file) =>
      loadFile(version, file, cache, (bytes) => {
        loaded += bytes;
        onProgress({ loaded, total });
      }),
    ),
  );
  return Object.fromEntries(files.map((file, i) => [file.path, contents[i]]));
}

/** Drops every cached model file that none of `keep` uses, OCR files included (older versions, copies cached by URL before files were kept by hash). */
export async function pruneModelFiles(keep: readonly Manifest[]): Promise<void> {
  const cache = await openCache(MODEL_CACHE);
  if (!cache) return;
  const wanted = new Set(keep.flatMap((manifest) => allBundleFiles(manifest).map((file) => new URL(modelCacheKey(file), location.href).href)));
  const stale = (await cache.keys()).filter((request) => !wanted.has(request.url));
  await Promise.all(stale.map((request) => cache.delete(request)));
}

async function loadFile(version: string, file: BundleFile, cache: Cache | undefined, onBytes: (bytes: number) => void): Promise<Uint8Array> {
  const key = modelCacheKey(file);
  // Devices that cached files by URL before they were kept by hash reuse those (offline too).
  for (const cachedAt of [key, modelFileUrl(version, file.path)]) {
    const cached = await cache?.match(cachedAt);
    if (!cached) continue;
    try {
      // Reading from the cache is instant: progress moves once the copy has proved good.
      const bytes = await readBody(cached, file, () => {});
      await verifyBundleFile(file, bytes);
      if (cachedAt !== key) await cache?.put(key, octetStream(bytes));
      onBytes(bytes.length);
      return bytes;
    } catch {
      // A damaged or cut-off cached copy must not lock the device out: drop it and download again.
      await cache?.delete(cachedAt);
    }
  }
  let response: Response;
  try {
    response = await fetch(modelFileUrl(version, file.path));
  } catch (error) {
    throw unavailable(`${file.path} could not be downloaded`, error);
  }
  // The server checks its files' hashes and serves none it cannot vouch for: a file of the
  // current bundle that it does not have is as unusable as one with the wrong bytes.
  if (response.status === 404) throw new BundleRefusedError(`Model file ${file.path} of ${version} is not on the server (missing or damaged there)`);
  const bytes = await readBody(response, file, onBytes);
  try {
    await verifyBundleFile(file, bytes);
  } catch (error) {
    throw new BundleRefusedError(messageOf(error), { cause: error });
  }
  await cache?.put(key, octetStream(bytes));
  return bytes;
}

function octetStream(bytes: Uint8Array): Response {
  return new Response(bytes as Uint8Array<ArrayBuffer>, { headers: { 'content-type': 'application/octet-stream' } });
}

async function readBody(response: Response, file: BundleFile, onBytes: (bytes: number) => void): Promise<Uint8Array> {
  if (!response.ok || !response.body) throw unavailable(`${file.path}: the server answered ${response.status}`);
  return readInto(response.body, file, onBytes);
}

/** Streams a body into one buffer of the manifest's size, reporting each chunk. */
async function readInto(body: ReadableStream<Uint8Array>, file: BundleFile, onBytes: (bytes: number) => void): Promise<Uint8Array> {
  const bytes = new Uint8Array(file.bytes);
  let at = 0;
  const reader = body.getReader();
  try {
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
      if (at + chunk.value.length > bytes.length) throw new BundleRefusedError(`Model file ${file.path} is larger than the manifest says`);
      bytes.set(chunk.value, at);
      at += chunk.value.length;
      onBytes(chunk.value.length);
    }
  } catch (error) {
    if (error instanceof RecognitionError) throw error;
    throw unavailable(`the download of ${file.path} was interrupted`, error);
  } finally {
    reader.releaseLock();
  }
  return at === bytes.length ? bytes : bytes.subarray(0, at);
}

/** Cache Storage is missing outside secure contexts; the app then simply downloads every time. */
async function openCache(name: string): Promise<Cache | undefined> {
  return globalThis.caches?.open(name).catch(() => undefined);
}

function unavailable(why: string, cause?: unknown): RecognitionError {
  return new RecognitionError('model-unavailable', `The recognition models could not be loaded: ${why}`, { cause });
}
