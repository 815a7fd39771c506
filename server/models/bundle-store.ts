import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { access, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { MANIFEST_FILE, parseManifest, type BundleFile, type Manifest } from '../../models/pipeline/manifest.ts';

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

/** The bundle `npm run models` writes into one folder; re-read when manifest.json changes. */
export function createBundleStore(dir: string): BundleStore {
  const manifestPath = join(dir, MANIFEST_FILE);
  let cached: { mtimeMs: number; published: PublishedManifest } | null = null;

  async function current(): Promise<PublishedManifest | null> {
    const info = await stat(manifestPath).catch(() => null);
    if (!info) return null;
    if (cached?.mtimeMs !== info.mtimeMs) {
      const json = await readFile(manifestPath, 'utf8');
      const etag = `"${createHash('sha256').update(json).digest('hex').slice(0, 32)}"`;
      cached = { mtimeMs: info.mtimeMs, published: { manifest: parseManifest(JSON.parse(json)), json, etag } };
    }
    return cached.published;
  }

  return {
    current,
    async file(version, name) {
      const published = await current();
      if (published?.manifest.version !== version) return null;
      const file = published.manifest.files.find((entry) => entry.path === name);
      if (!file) return null;
      // The path comes from the manifest entry, never from the request.
      const path = join(dir, file.path);
      if (!(await access(path).then(() => true, () => false))) return null;
      return { file, stream: () => Readable.toWeb(createReadStream(path)) as ReadableStream<Uint8Array> };
    },
  };
}
