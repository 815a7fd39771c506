import { verifyBundleFile } from '../../models/pipeline/bundle.ts';
import { RecognitionError } from '../../models/pipeline/errors.ts';
import { parseManifest, type BundleFile, type Manifest } from '../../models/pipeline/manifest.ts';
import { MANIFEST_CACHE, MANIFEST_URL, MODEL_CACHE, modelFileUrl } from '../pwa/caches.ts';
import type { DownloadProgress } from './protocol.ts';

export interface LoadedBundle {
  manifest: Manifest;
  files: Record<string, Uint8Array>;
}

/**
 * The current model bundle: the manifest from the network (the cached one when offline), then
 * each file from the cache or the network, streamed with byte progress and verified by sha256.
 * Verified files go into the service worker's cache, so one online visit is enough to work offline.
 */
export async function loadBundle(onProgress: (progress: DownloadProgress) => void): Promise<LoadedBundle> {
  const manifest = await fetchManifest();
  const total = manifest.files.reduce((sum, file) => sum + file.bytes, 0);
  let loaded = 0;
  onProgress({ loaded, total });
  const cache = await openCache(MODEL_CACHE);
  const contents = await Promise.all(
    manifest.files.map((file) =>
      fetchFile(manifest.version, file, cache, (bytes) => {
        loaded += bytes;
        onProgress({ loaded, total });
      }),
    ),
  );
  await pruneOtherVersions(cache, manifest.version);
  return { manifest, files: Object.fromEntries(manifest.files.map((file, i) => [file.path, contents[i]])) };
}

async function fetchManifest(): Promise<Manifest> {
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

async function fetchFile(version: string, file: BundleFile, cache: Cache | undefined, onBytes: (bytes: number) => void): Promise<Uint8Array> {
  const url = modelFileUrl(version, file.path);
  const cached = await cache?.match(url);
  if (cached) {
    try {
      // Reading from the cache is instant: progress moves once the copy has proved good.
      const bytes = await readVerified(cached, file, () => {});
      onBytes(bytes.length);
      return bytes;
    } catch {
      // A damaged or cut-off cached copy must not lock the device out: drop it and download again.
      await cache?.delete(url);
    }
  }
  let response: Response;
  try {
    response = await fetch(url);
  } catch (error) {
    throw unavailable(`${file.path} could not be downloaded`, error);
  }
  const bytes = await readVerified(response, file, onBytes);
  await cache?.put(url, new Response(bytes as Uint8Array<ArrayBuffer>, { headers: { 'content-type': 'application/octet-stream' } }));
  return bytes;
}

async function readVerified(response: Response, file: BundleFile, onBytes: (bytes: number) => void): Promise<Uint8Array> {
  if (!response.ok || !response.body) throw unavailable(`${file.path}: the server answered ${response.status}`);
  const bytes = await readInto(response.body, file, onBytes);
  await verifyBundleFile(file, bytes);
  return bytes;
}

/** Streams a body into one buffer of the manifest's size, reporting each chunk. */
async function readInto(body: ReadableStream<Uint8Array>, file: BundleFile, onBytes: (bytes: number) => void): Promise<Uint8Array> {
  const bytes = new Uint8Array(file.bytes);
  let at = 0;
  const reader = body.getReader();
  try {
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
      if (at + chunk.value.length > bytes.length) throw unavailable(`${file.path} is larger than the manifest says`);
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

/** Bundles are immutable and versioned: once a new one is in use, older files only take space. */
async function pruneOtherVersions(cache: Cache | undefined, version: string): Promise<void> {
  if (!cache) return;
  const prefix = modelFileUrl(version, '');
  const stale = (await cache.keys()).filter((request) => !new URL(request.url).pathname.startsWith(prefix));
  await Promise.all(stale.map((request) => cache.delete(request)));
}

/** Cache Storage is missing outside secure contexts; the app then simply downloads every time. */
async function openCache(name: string): Promise<Cache | undefined> {
  return globalThis.caches?.open(name).catch(() => undefined);
}

function unavailable(why: string, cause?: unknown): RecognitionError {
  return new RecognitionError('model-unavailable', `The recognition models could not be loaded: ${why}`, { cause });
}
