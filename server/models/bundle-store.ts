import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { allBundleFiles, MANIFEST_FILE, parseManifest, type BundleFile, type Manifest } from '../../models/pipeline/manifest.ts';

/** The manifest as published: the exact bytes served, and a strong ETag over them. */
export interface PublishedManifest {
  manifest: Manifest;
  json: string;
  etag: string;
}

export interface BundleFileBody {
  file: BundleFile;
  stream(): ReadableStream<Uint8Array>;
}

/** The model bundles the server publishes. */
export interface BundleStore {
  /** The bundle apps should run, or null when none has been built. */
  current(): Promise<PublishedManifest | null>;
  /** A file of bundle `version` named in its manifest, or null for anything else. */
  file(version: string, name: string): Promise<BundleFileBody | null>;
}

/** A manifest's JSON text, parsed, with the ETag it is served under. */
export function publishedManifest(json: string): PublishedManifest {
  const etag = `"${createHash('sha256').update(json).digest('hex').slice(0, 32)}"`;
  return { manifest: parseManifest(JSON.parse(json)), json, etag };
}

/** The entry named `name` in a manifest; the request's name is only ever compared, never used as a path. */
export function bundleFile(manifest: Manifest, name: string): BundleFile | null {
  return allBundleFiles(manifest).find((entry) => entry.path === name) ?? null;
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * Opens bundle files only when their bytes are the ones the manifest names: a missing, cut or
 * corrupt file is then a 404, never a file apps would download and refuse. Each file is hashed
 * once for as long as its size and modification time stay the same, and every stream served is
 * hashed again as it goes: a file changed under the same size and time (a restored mtime) fails
 * its stream instead of arriving whole, and the next request hashes it afresh (a 404).
 */
export function createFileVerifier(): (path: string, file: BundleFile) => Promise<BundleFileBody | null> {
  const checked = new Map<string, { key: string; ok: Promise<boolean> }>();

  async function hashOf(path: string): Promise<string> {
    const hash = createHash('sha256');
    for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
    return hash.digest('hex');
  }

  return async (path, file) => {
    const info = await stat(path).catch(() => null);
    if (!info?.isFile() || info.size !== file.bytes) return null;
    const key = `${file.sha256}:${info.size}:${info.mtimeMs}`;
    let entry = checked.get(path);
    if (entry?.key !== key) {
      entry = { key, ok: hashOf(path).then((hash) => hash === file.sha256, () => false) };
      checked.set(path, entry);
    }
    if (!(await entry.ok)) return null;
    const stream = () => {
      const hash = createHash('sha256');
      return (Readable.toWeb(createReadStream(path)) as ReadableStream<Uint8Array>).pipeThrough(
        new TransformStream<Uint8Array, Uint8Array>({
          transform(chunk, controller) {
            hash.update(chunk);
            controller.enqueue(chunk);
          },
          flush(controller) {
            if (hash.digest('hex') === file.sha256) return;
            checked.delete(path);
            controller.error(new Error(`${path} changed on disk: its bytes no longer hash to ${file.sha256}`));
          },
        }),
      );
    };
    return { file, stream };
  };
}

/** The bundle `npm run models` writes into one folder; re-read when manifest.json changes. */
export function createBundleStore(dir: string): BundleStore {
  const manifestPath = join(dir, MANIFEST_FILE);
  const verified = createFileVerifier();
  let cached: { mtimeMs: number; published: PublishedManifest } | null = null;

  async function current(): Promise<PublishedManifest | null> {
    const info = await stat(manifestPath).catch(() => null);
    if (!info) return null;
    if (cached?.mtimeMs !== info.mtimeMs) {
      cached = { mtimeMs: info.mtimeMs, published: publishedManifest(await readFile(manifestPath, 'utf8')) };
    }
    return cached.published;
  }

  return {
    current,
    async file(version, name) {
      const published = await current();
      if (published?.manifest.version !== version) return null;
      const file = bundleFile(published.manifest, name);
      // The path comes from the manifest entry, never from the request.
      return file ? verified(join(dir, file.path), file) : null;
    },
  };
}
