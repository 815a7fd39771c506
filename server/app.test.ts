import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import type { Manifest } from '../models/pipeline/manifest.ts';
import { createTestApi, type TestApi } from '../test/api-app.ts';
import { createBundleStore } from './models/bundle-store.ts';

const root = mkdtempSync(join(tmpdir(), 'wanwu-app-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A bundle folder as `npm run models` lays it out; the server only serves it, so any bytes do. */
function writeBundle(dir: string, version: string): Uint8Array {
  const detector = new Uint8Array(4096).map((_, i) => i % 251);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'detector.onnx'), detector);
  const manifest: Manifest = {
    format: 1,
    version,
    created: '2026-01-01T00:00:00.000Z',
    files: [{ path: 'detector.onnx', sha256: createHash('sha256').update(detector).digest('hex'), bytes: detector.length }],
    models: [{
      kind: 'detector', file: 'detector.onnx', input: 'images', classes: ['coco:dog'],
      preprocess: { width: 512, height: 512, resize: 'stretch', layout: 'NCHW', scale: 1, mean: [0, 0, 0], std: [1, 1, 1] },
      outputs: { heatmap: 'heatmap', sizes: 'sizes', embedding: 'embedding' },
      stride: 4, sizeScale: 16, heatmapLayout: 'NCHW',
    }],
    tags: [{ id: 'coco:dog', en: 'dog', zh: '狗', threshold: 0.3 }],
    inputs: 'fixture',
  };
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));
  return detector;
}

function writeAppDist(dir: string): void {
  const files: Record<string, string> = {
    'index.html': '<!doctype html><title>Wanwu</title>',
    'sw.js': 'self.addEventListener("install", () => {});',
    'manifest.webmanifest': '{"name":"Wanwu"}',
    'assets/index-C0ffee12.js': 'console.log("app")',
    'assets/ort-wasm-simd-threaded-Bx12.wasm': '\0asm',
  };
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
}

const bundleDir = join(root, 'bundle');
const appDir = join(root, 'dist');
const detectorBytes = writeBundle(bundleDir, 'v7');
writeAppDist(appDir);
const api = await createTestApi({ appDir, bundles: createBundleStore(bundleDir) });
const { app } = api;
afterAll(() => api.close());

/** Another app on its own repository, with these bundles; closed after the test. */
async function withApp(bundles: ReturnType<typeof createBundleStore>, test: (other: TestApi) => Promise<void>): Promise<void> {
  const other = await createTestApi({ appDir, bundles });
  try {
    await test(other);
  } finally {
    await other.close();
  }
}

describe('API', () => {
  it('reports health with the current model version and the kind of database', async () => {
    const res = await app.request('/api/v1/health');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, model: 'v7', database: 'sqlite' });
  });

  it('reports no model when no bundle has been built', async () => {
    await withApp(createBundleStore(join(root, 'nothing')), async ({ app: bare }) => {
      expect(await (await bare.request('/api/v1/health')).json()).toEqual({ ok: true, model: null, database: 'sqlite' });
      const res = await bare.request('/api/v1/models/current');
      expect(res.status).toBe(404);
      expect((await res.json()).code).toBe('no-model');
    });
  });

  it('serves the current manifest for revalidation, answering 304 to its ETag', async () => {
    const res = await app.request('/api/v1/models/current');
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect((await res.json()).version).toBe('v7');
    const etag = res.headers.get('etag');
    expect(etag).toMatch(/^"[0-9a-f]+"$/);
    const again = await app.request('/api/v1/models/current', { headers: { 'If-None-Match': etag! } });
    expect(again.status).toBe(304);
    const stale = await app.request('/api/v1/models/current', { headers: { 'If-None-Match': '"other"' } });
    expect(stale.status).toBe(200);
  });

  it('answers unknown API paths and methods with a JSON 404', async () => {
    for (const [path, method] of [['/api/v1/nope', 'GET'], ['/api/v1/health', 'POST'], ['/api/v2/health', 'GET']]) {
      const res = await app.request(path, { method });
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toMatch(/application\/json/);
      expect((await res.json()).code).toBe('not-found');
    }
  });

  it('refuses oversized API bodies with a JSON 413, on known and unknown routes', async () => {
    for (const path of ['/api/v1/anything', '/api/v1/devices']) {
      const res = await app.request(path, { method: 'POST', body: 'x'.repeat(64 * 1024) });
      expect(res.status, path).toBe(413);
      expect(await res.json()).toMatchObject({ code: 'payload-too-large' });
    }
  });

  it('turns an unexpected failure into JSON without a stack trace, and logs the failure', async () => {
    const broken = join(root, 'broken');
    mkdirSync(broken);
    writeFileSync(join(broken, 'manifest.json'), '{"format": 1, "version": ');
    await withApp(createBundleStore(broken), async ({ app: bad, logs }) => {
      const res = await bad.request('/api/v1/health');
      expect(res.status).toBe(500);
      const text = await res.text();
      expect(JSON.parse(text)).toEqual({ code: 'internal', message: expect.any(String) });
      expect(text).not.toMatch(/at |SyntaxError|\.ts/);
      const failure = logs.map((line) => JSON.parse(line)).find((line) => line.level === 50);
      expect(failure).toMatchObject({ msg: 'request failed', path: '/api/v1/health', err: { type: 'SyntaxError' } });
    });
  });
});

describe('model files', () => {
  it('serves a file of the current bundle as immutable, byte for byte', async () => {
    const res = await app.request('/models/v7/detector.onnx');
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(res.headers.get('content-length')).toBe(String(detectorBytes.length));
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(detectorBytes);
  });

  it('answers HEAD with the size and no body', async () => {
    const res = await app.request('/models/v7/detector.onnx', { method: 'HEAD' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-length')).toBe(String(detectorBytes.length));
    expect((await res.arrayBuffer()).byteLength).toBe(0);
  });

  it('404s an unknown version, a name not in the manifest, and path tricks', async () => {
    for (const path of ['/models/v6/detector.onnx', '/models/v7/classifier.onnx', '/models/v7/manifest.json', '/models/v7/..%2Fbundle%2Fdetector.onnx', '/models/v7/../bundle/detector.onnx']) {
      const res = await app.request(path);
      expect(res.status, path).toBe(404);
    }
  });
});

describe('the PWA', () => {
  it('serves index.html and sw.js for revalidation, hashed assets as immutable', async () => {
    for (const path of ['/', '/index.html', '/sw.js']) {
      const res = await app.request(path);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('cache-control'), path).toBe('no-cache');
    }
    const asset = await app.request('/assets/index-C0ffee12.js');
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(asset.headers.get('content-type')).toMatch(/^text\/javascript/);
  });

  it('sends the content types browsers insist on', async () => {
    expect((await app.request('/assets/ort-wasm-simd-threaded-Bx12.wasm')).headers.get('content-type')).toBe('application/wasm');
    expect((await app.request('/manifest.webmanifest')).headers.get('content-type')).toBe('application/manifest+json');
    expect((await app.request('/')).headers.get('content-type')).toMatch(/^text\/html/);
  });

  it('answers app routes with the shell and missing files with 404', async () => {
    const route = await app.request('/photos/123');
    expect(route.status).toBe(200);
    expect(await route.text()).toContain('<title>Wanwu</title>');
    expect((await app.request('/assets/gone-123.js')).status).toBe(404);
  });

  it('gzips the runtime and the models for browsers that take it, byte-exact once unpacked', async () => {
    const gzip = { headers: { 'Accept-Encoding': 'gzip, deflate, br' } };
    const wasm = await app.request('/assets/ort-wasm-simd-threaded-Bx12.wasm', gzip);
    expect(wasm.headers.get('content-encoding')).toBe('gzip');
    expect(gunzipSync(Buffer.from(await wasm.arrayBuffer())).toString()).toBe('\0asm');
    const model = await app.request('/models/v7/detector.onnx', gzip);
    expect(model.headers.get('content-encoding')).toBe('gzip');
    expect(model.headers.get('vary')).toBe('Accept-Encoding');
    expect(new Uint8Array(gunzipSync(Buffer.from(await model.arrayBuffer())))).toEqual(detectorBytes);
    const plain = await app.request('/models/v7/detector.onnx');
    expect(plain.headers.get('content-encoding')).toBeNull();
    expect(Number(plain.headers.get('content-length'))).toBe(detectorBytes.length);
  });

  it('answers 304 when the browser already has the file', async () => {
    const etag = (await app.request('/sw.js')).headers.get('etag')!;
    expect((await app.request('/sw.js', { headers: { 'If-None-Match': etag } })).status).toBe(304);
  });
});

describe('cross-origin isolation', () => {
  it('is on every kind of response, errors and 304s included', async () => {
    const etag = (await app.request('/api/v1/models/current')).headers.get('etag')!;
    const requests: [string, RequestInit?][] = [
      ['/api/v1/health'], ['/api/v1/models/current', { headers: { 'If-None-Match': etag } }], ['/api/v1/missing'],
      ['/models/v7/detector.onnx'], ['/models/v0/detector.onnx'], ['/'], ['/some/route'], ['/assets/index-C0ffee12.js'],
      ['/assets/nope.js'], ['/api/v1/x', { method: 'POST', body: 'x'.repeat(2 * 1024 * 1024) }],
    ];
    for (const [path, init] of requests) {
      const res = await app.request(path, init);
      expect(res.headers.get('cross-origin-opener-policy'), path).toBe('same-origin');
      expect(res.headers.get('cross-origin-embedder-policy'), path).toBe('require-corp');
      expect(res.headers.get('cross-origin-resource-policy'), path).toBe('same-origin');
    }
  });
});

describe('Content-Security-Policy', () => {
  it('lets the shell run only its own scripts (and compile WebAssembly), never inline or foreign code', async () => {
    const policy = new Map(
      (await app.request('/')).headers.get('content-security-policy')!.split(';').map((part) => {
        const [name, ...values] = part.trim().split(/\s+/);
        return [name, values] as const;
      }),
    );
    expect(policy.get('script-src')).toEqual(["'self'", "'wasm-unsafe-eval'"]);
    expect(policy.get('default-src')).toEqual(["'self'"]);
    expect(policy.get('object-src')).toEqual(["'none'"]);
    expect(policy.get('frame-ancestors')).toEqual(["'none'"]);
    expect(policy.get('connect-src')).toEqual(["'self'"]);
  });
});
