import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { copyFile, mkdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/** One place a file can be downloaded from, pinned to the exact bytes that place serves. */
export interface PinnedSource {
  url: string;
  sha256: string;
  bytes: number;
  /** Which build this is, in words (recorded in the bundle manifest). */
  label: string;
}

export interface FetchPinnedOptions {
  /** File name in the cache and in the mirror folder. */
  name: string;
  /** Tried in order; any file whose hash and size match one of them is accepted, from any origin. */
  sources: readonly PinnedSource[];
  /** A folder that may hold `name` (an offline copy); tried before any URL. */
  mirrorDir?: string;
  cacheDir: string;
  /** Per URL, for the whole download. */
  timeoutMs?: number;
}

export interface PinnedFile {
  path: string;
  /** The pinned source whose bytes these are. */
  source: PinnedSource;
  from: 'cache' | 'mirror' | 'download';
}

/** Every origin failed; `reasons` says why each one did, in the order tried. */
export class PinnedFetchError extends Error {
  constructor(
    readonly file: string,
    readonly reasons: readonly string[],
  ) {
    super(`${file} unavailable (${reasons.join('; ')})`);
    this.name = 'PinnedFetchError';
  }
}

/**
 * A verified local copy of a pinned file: the cache, then the mirror folder, then each URL.
 * A download is hashed while it streams to a temp file and only renamed into the cache when it
 * matches its pin, so the cache never holds unverified bytes.
 */
export async function fetchPinned(options: FetchPinnedOptions): Promise<PinnedFile> {
  const { name, sources, mirrorDir, cacheDir, timeoutMs = 60_000 } = options;
  const cached = join(cacheDir, name);
  const fromCache = await verifyLocal(cached, sources);
  if (fromCache.source) return { path: cached, source: fromCache.source, from: 'cache' };
  if (fromCache.problem) await rm(cached, { force: true });

  await mkdir(cacheDir, { recursive: true });
  const reasons: string[] = [];
  if (mirrorDir === undefined) {
    reasons.push('no mirror');
  } else {
    const mirrored = join(mirrorDir, name);
    const fromMirror = await verifyLocal(mirrored, sources);
    if (fromMirror.source) {
      // Cached too, so a later build without the mirror still has the file.
      await moveIntoPlace(cached, (temp) => copyFile(mirrored, temp));
      return { path: cached, source: fromMirror.source, from: 'mirror' };
    }
    reasons.push(`mirror ${mirrored}: ${fromMirror.problem ?? 'missing'}`);
  }

  for (const source of sources) {
    const signal = AbortSignal.timeout(timeoutMs);
    try {
      await download(source, cached, signal);
      return { path: cached, source, from: 'download' };
    } catch (error) {
      const why = signal.aborted ? `timed out after ${timeoutMs / 1000} s` : reasonOf(error);
      reasons.push(`download failed: ${source.url}: ${why}`);
    }
  }
  throw new PinnedFetchError(name, reasons);
}

/** `source` when the file matches a pin; `problem` when it exists but matches none. */
async function verifyLocal(path: string, sources: readonly PinnedSource[]): Promise<{ source?: PinnedSource; problem?: string }> {
  const size = await stat(path).then((s) => s.size, () => undefined);
  if (size === undefined) return {};
  if (!sources.some((s) => s.bytes === size)) return { problem: `${size} bytes, no pinned build has that size` };
  const sha256 = await hashFile(path);
  const source = sources.find((s) => s.sha256 === sha256 && s.bytes === size);
  return source ? { source } : { problem: `sha256 ${sha256} matches no pinned build` };
}

export async function hashFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(path), hash);
  return hash.digest('hex');
}

async function download(source: PinnedSource, target: string, signal: AbortSignal): Promise<void> {
  const response = await fetch(source.url, { signal, redirect: 'follow' });
  const announced = Number(response.headers.get('content-length') ?? NaN);
  const refusal = !response.ok ? `HTTP ${response.status}` : announced > source.bytes ? `${announced} bytes announced, pinned ${source.bytes}` : undefined;
  if (refusal || !response.body) {
    await response.body?.cancel();
    throw new Error(refusal ?? 'empty response');
  }

  const hash = createHash('sha256');
  let received = 0;
  // Hash while streaming; stop early on a body larger than the pin instead of filling the disk.
  const meter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      received += chunk.length;
      if (received > source.bytes) return done(new Error(`more than the pinned ${source.bytes} bytes`));
      hash.update(chunk);
      done(null, chunk);
    },
  });
  const body = response.body;
  await moveIntoPlace(target, async (temp) => {
    await pipeline(Readable.fromWeb(body), meter, createWriteStream(temp), { signal });
    const sha256 = hash.digest('hex');
    if (received !== source.bytes || sha256 !== source.sha256) {
      throw new Error(`refused: got ${received} bytes with sha256 ${sha256}, pinned ${source.bytes} bytes with sha256 ${source.sha256}`);
    }
  });
}

/** `write` fills a temp file beside `target`, which becomes `target` only if `write` succeeds. */
async function moveIntoPlace(target: string, write: (temp: string) => Promise<void>): Promise<void> {
  const temp = `${target}.${randomUUID()}.part`;
  try {
    await write(temp);
    await rename(temp, target);
  } finally {
    await rm(temp, { force: true });
  }
}

function reasonOf(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? (error.cause as NodeJS.ErrnoException) : undefined;
  return cause ? `${error.message} (${cause.code ?? cause.message})` : error.message;
}
