import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fetchPinned, PinnedFetchError, type PinnedSource } from './download.ts';

const good = randomBytes(200_000);
// Same size as `good`, different bytes: only the hash can tell them apart.
const tampered = Buffer.from(good).fill(7, 1000, 1010);
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

let server: Server;
let base: string;
let refusedBase: string;
const requests: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    requests.push(req.url ?? '');
    // Half a body, then silence: a hung connection the download must give up on.
    if (req.url === '/stall.bin') return void res.writeHead(200).write(good.subarray(0, 1000));
    const body = req.url === '/good.bin' ? good : req.url === '/tampered.bin' ? tampered : undefined;
    if (!body) return void res.writeHead(404).end('not found');
    res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(body);
  });
  base = await listen(server);
  // A port that was just free and is closed again: connections to it are refused.
  const closed = createServer();
  refusedBase = await listen(closed);
  await new Promise((done) => closed.close(done));
});

afterAll(() => {
  server.closeAllConnections();
  return new Promise((done) => server.close(done));
});

let work: string;
let cacheDir: string;
beforeEach(async () => {
  requests.length = 0;
  work = await mkdtemp(join(tmpdir(), 'wanwu-download-'));
  cacheDir = join(work, 'cache');
  return () => rm(work, { recursive: true, force: true });
});

function pin(url: string, label = url): PinnedSource {
  return { url, sha256: sha256(good), bytes: good.length, label };
}

describe('fetchPinned', () => {
  it('downloads a file, checks its hash and keeps it in the cache', async () => {
    const file = await fetchPinned({ name: 'model.onnx', sources: [pin(`${base}/good.bin`)], cacheDir });
    expect(file.from).toBe('download');
    expect(file.path).toBe(join(cacheDir, 'model.onnx'));
    expect(sha256(await readFile(file.path))).toBe(sha256(good));
  });

  it('refuses a download whose hash does not match and caches nothing', async () => {
    const attempt = fetchPinned({ name: 'model.onnx', sources: [pin(`${base}/tampered.bin`)], cacheDir });
    await expect(attempt).rejects.toThrow(PinnedFetchError);
    await expect(attempt).rejects.toThrow(/refused: got 200000 bytes with sha256 [0-9a-f]{64}, pinned/);
    expect(await readdir(cacheDir)).toEqual([]);
  });

  it('falls through a 404 and a refused connection to the next source', async () => {
    const sources = [pin(`${refusedBase}/good.bin`), pin(`${base}/missing.bin`), pin(`${base}/good.bin`, 'third')];
    const file = await fetchPinned({ name: 'model.onnx', sources, cacheDir });
    expect(file.source.label).toBe('third');
    expect(requests).toEqual(['/missing.bin', '/good.bin']);
  });

  it('gives up on a source that stops sending and tries the next', async () => {
    const sources = [pin(`${base}/stall.bin`), pin(`${base}/good.bin`, 'second')];
    const file = await fetchPinned({ name: 'model.onnx', sources, cacheDir, timeoutMs: 300 });
    expect(file.source.label).toBe('second');
    expect(await readdir(cacheDir)).toEqual(['model.onnx']);
  });

  it('says why each source failed when none works', async () => {
    const sources = [pin(`${refusedBase}/good.bin`), pin(`${base}/missing.bin`), pin(`${base}/stall.bin`)];
    const error = await fetchPinned({ name: 'model.onnx', sources, cacheDir, timeoutMs: 300 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PinnedFetchError);
    expect((error as PinnedFetchError).reasons).toEqual([
      'no mirror',
      expect.stringMatching(/good\.bin: fetch failed \(ECONNREFUSED\)$/),
      expect.stringMatching(/missing\.bin: HTTP 404$/),
      expect.stringMatching(/stall\.bin: timed out after 0.3 s$/),
    ]);
  });

  it('takes the mirror copy without touching the network', async () => {
    const mirrorDir = join(work, 'mirror');
    await mkdir(mirrorDir);
    await writeFile(join(mirrorDir, 'model.onnx'), good);
    const file = await fetchPinned({ name: 'model.onnx', sources: [pin(`${base}/good.bin`)], mirrorDir, cacheDir });
    expect(file.from).toBe('mirror');
    expect(requests).toEqual([]);
    // Kept in the cache, so the next build needs neither the mirror nor the network.
    expect((await fetchPinned({ name: 'model.onnx', sources: [pin(`${base}/good.bin`)], cacheDir })).from).toBe('cache');
  });

  it('skips a mirror copy that matches no pin and downloads instead', async () => {
    const mirrorDir = join(work, 'mirror');
    await mkdir(mirrorDir);
    await writeFile(join(mirrorDir, 'model.onnx'), tampered);
    const file = await fetchPinned({ name: 'model.onnx', sources: [pin(`${base}/good.bin`)], mirrorDir, cacheDir });
    expect(file.from).toBe('download');
  });

  it('accepts whichever pinned build a source holds and reports which one it is', async () => {
    const other: PinnedSource = { url: `${base}/tampered.bin`, sha256: sha256(tampered), bytes: tampered.length, label: 'other build' };
    const file = await fetchPinned({ name: 'model.onnx', sources: [pin(`${base}/missing.bin`), other], cacheDir });
    expect(file.source.label).toBe('other build');
  });

  it('reuses the cached copy and replaces a damaged one', async () => {
    const options = { name: 'model.onnx', sources: [pin(`${base}/good.bin`)], cacheDir };
    await fetchPinned(options);
    expect((await fetchPinned(options)).from).toBe('cache');
    expect(requests).toEqual(['/good.bin']);

    await writeFile(join(cacheDir, 'model.onnx'), tampered);
    const repaired = await fetchPinned(options);
    expect(repaired.from).toBe('download');
    expect(sha256(await readFile(repaired.path))).toBe(sha256(good));
  });
});

async function listen(target: Server): Promise<string> {
  await new Promise<void>((done) => target.listen(0, '127.0.0.1', done));
  return `http://127.0.0.1:${(target.address() as AddressInfo).port}`;
}
