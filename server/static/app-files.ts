import { createReadStream, existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { Readable } from 'node:stream';
import { getMimeType } from 'hono/utils/mime';
import { CACHE_IMMUTABLE, CACHE_REVALIDATE } from '../http-cache.ts';

export interface AppFile {
  type: string;
  bytes: number;
  etag: string;
  cacheControl: string;
  stream(): ReadableStream<Uint8Array>;
}

export interface AppFiles {
  /** The file served at this URL path, or null. */
  get(urlPath: string): AppFile | null;
  /** index.html, served for the app's own routes; null when the app has not been built. */
  readonly index: AppFile | null;
}

/**
 * The built PWA (`vite build` output), indexed once: requests are answered by looking their path
 * up in this table, so no file system path is ever made from a URL.
 */
export function indexAppFiles(dir: string): AppFiles {
  const files = new Map<string, AppFile>();
  for (const name of listFiles(dir)) {
    const urlPath = '/' + relative(dir, name).split(sep).join('/');
    files.set(urlPath, describe(name, urlPath));
  }
  const index = files.get('/index.html') ?? null;
  return { get: (urlPath) => (urlPath === '/' ? index : (files.get(urlPath) ?? null)), index };
}

function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
}

function describe(path: string, urlPath: string): AppFile {
  const { size, mtimeMs } = statSync(path);
  return {
    type: getMimeType(urlPath) ?? 'application/octet-stream',
    bytes: size,
    etag: `W/"${size.toString(16)}-${Math.floor(mtimeMs).toString(16)}"`,
    // Vite puts content-hashed names under /assets; everything else keeps its name across builds.
    cacheControl: urlPath.startsWith('/assets/') ? CACHE_IMMUTABLE : CACHE_REVALIDATE,
    stream: () => Readable.toWeb(createReadStream(path)) as ReadableStream<Uint8Array>,
  };
}
