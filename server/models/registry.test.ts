import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { encodeHead } from '../../models/head/encode-head.ts';
import type { TagHead } from '../../models/head/head.ts';
import type { Manifest, VocabularyTag } from '../../models/pipeline/manifest.ts';
import { createTestApi } from '../../test/api-app.ts';
import { openRepository } from '../storage/open-repository.ts';
import type { Repository } from '../storage/repository.ts';
import { sha256Hex, type BundleStore } from './bundle-store.ts';
import { createModelRegistry, UnknownModelVersionError, type ModelRegistry } from './registry.ts';

const root = mkdtempSync(join(tmpdir(), 'wanwu-registry-'));
const opened: Repository[] = [];
afterAll(async () => {
  await Promise.all(opened.map((repository) => repository.close()));
  rmSync(root, { recursive: true, force: true });
});

/** A bundle folder as `npm run models` lays it out; `seed` changes the detector's bytes. */
function writeBuiltBundle(dir: string, version: string, seed: number): Uint8Array {
  const detector = new Uint8Array(4096).map((_, i) => (i * seed) % 251);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'detector.onnx'), detector);
  const manifest: Manifest = {
    format: 1, version, created: '2026-01-01T00:00:00.000Z', inputs: 'fixture',
    files: [{ path: 'detector.onnx', sha256: sha256Hex(detector), bytes: detector.length }],
    models: [{
      kind: 'detector', file: 'detector.onnx', input: 'images', classes: ['coco:dog'],
      preprocess: { width: 512, height: 512, resize: 'stretch', layout: 'NCHW', scale: 1, mean: [0, 0, 0], std: [1, 1, 1] },
      outputs: { heatmap: 'heatmap', sizes: 'sizes', embedding: 'embedding' }, stride: 4, sizeScale: 16, heatmapLayout: 'NCHW',
    }],
    tags: [{ id: 'coco:dog', en: 'dog', zh: '狗', threshold: 0.3 }],
  };
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2));
  // A rebuild within the same millisecond must still look new.
  utimesSync(join(dir, 'manifest.json'), new Date(), new Date(Date.now() + seed * 1000));
  return detector;
}

function head(tags: string[], seed: number): TagHead {
  return { dims: 4, tags, weights: Float32Array.from({ length: 4 * tags.length }, (_, i) => seed + i / 10), bias: new Float32Array(tags.length).fill(seed) };
}

const taught = (text: string, threshold: number): VocabularyTag => ({ id: `text:${text}`, en: text, zh: text, threshold, taught: true });

async function bytesOf(store: BundleStore, version: string, name: string): Promise<Uint8Array | null> {
  const found = await store.file(version, name);
  return found && new Uint8Array(await new Response(found.stream()).arrayBuffer());
}

let dataDir: string;
let builtDir: string;
let detector: Uint8Array;
let repository: Repository;
let registry: ModelRegistry;

beforeEach(async () => {
  dataDir = mkdtempSync(join(root, 'data-'));
  builtDir = join(dataDir, 'bundle');
  detector = writeBuiltBundle(builtDir, 'b1', 1);
  repository = await openRepository({ dataDir });
  opened.push(repository);
  registry = createModelRegistry({ repository, builtBundleDir: builtDir, dataDir });
});

describe('model registry', () => {
  it('publishes a head onto the built bundle: apps see a new version and ETag, and both versions stay served', async () => {
    const before = (await registry.current())!;
    expect(before.manifest.version).toBe('b1');
    const golden = head(['text:金毛'], 1);
    const manifest = await registry.publish({ head: golden, tags: [taught('金毛', 0.4)], runId: 'run-1' });

    const after = (await registry.current())!;
    expect(after.manifest).toEqual(manifest);
    expect(manifest.version).toMatch(/^h\d{14}-[0-9a-f]{6}$/);
    expect(manifest.previous).toBe('b1');
    expect(after.etag).not.toBe(before.etag);
    expect(manifest.tags.map((tag) => tag.id)).toEqual(['coco:dog', 'text:金毛']);
    expect(manifest.models.find((model) => model.kind === 'head')).toMatchObject({ file: 'head.onnx', inputDims: 4, classes: ['text:金毛'] });
    expect(manifest.files.map((file) => file.path)).toEqual(['detector.onnx', 'head.onnx']);

    expect(await bytesOf(registry, manifest.version, 'head.onnx')).toEqual(encodeHead(golden));
    expect(await bytesOf(registry, manifest.version, 'detector.onnx')).toEqual(detector);
    expect(await bytesOf(registry, 'b1', 'detector.onnx')).toEqual(detector);
    expect(await registry.file('b1', 'head.onnx')).toBeNull();
    expect(await registry.fileBytes(manifest.version, 'head.onnx')).toEqual(encodeHead(golden));
    expect((await registry.versions()).map(({ version, current, runId, taughtTags }) => ({ version, current, runId, taughtTags }))).toEqual([
      { version: manifest.version, current: true, runId: 'run-1', taughtTags: 1 },
      { version: 'b1', current: false, runId: null, taughtTags: 0 },
    ]);
  });

  it('publishes from the current version: the new head replaces the old one and its tags', async () => {
    const first = await registry.publish({ head: head(['text:金毛'], 1), tags: [taught('金毛', 0.4)], runId: 'run-1' });
    const second = await registry.publish({ head: head(['text:柯基', 'text:金毛'], 2), tags: [taught('金毛', 0.6), taught('柯基', 0.5)], runId: 'run-2' });
    expect(second.previous).toBe(first.version);
    expect(second.tags).toEqual([{ id: 'coco:dog', en: 'dog', zh: '狗', threshold: 0.3 }, taught('柯基', 0.5), taught('金毛', 0.6)]);
    expect(second.models.filter((model) => model.kind === 'head')).toHaveLength(1);
    expect(second.files.filter((file) => file.path === 'head.onnx')).toHaveLength(1);
    expect(await bytesOf(registry, first.version, 'head.onnx')).toEqual(encodeHead(head(['text:金毛'], 1)));
    expect(await bytesOf(registry, second.version, 'head.onnx')).toEqual(encodeHead(head(['text:柯基', 'text:金毛'], 2)));
    await expect(registry.publish({ head: head(['text:a'], 3), tags: [taught('b', 0.5)], runId: 'run-3' })).rejects.toThrow(/text:a/);
  });

  it('rolls back to any known version, the built one included, and refuses an unknown one', async () => {
    const first = await registry.publish({ head: head(['text:金毛'], 1), tags: [taught('金毛', 0.4)], runId: 'run-1' });
    const second = await registry.publish({ head: head(['text:金毛'], 2), tags: [taught('金毛', 0.5)], runId: 'run-2' });
    await registry.rollback(first.version);
    expect((await registry.current())!.manifest.version).toBe(first.version);
    await registry.rollback('b1');
    expect((await registry.current())!.manifest.version).toBe('b1');
    expect((await registry.versions()).filter((v) => v.current).map((v) => v.version)).toEqual(['b1']);
    await expect(registry.rollback('h20990101000000-abcdef')).rejects.toThrow(UnknownModelVersionError);
    expect((await registry.current())!.manifest.version).toBe('b1');
    // Versions are never lost: the newer one is still there to go forward to.
    await registry.rollback(second.version);
    expect((await registry.current())!.manifest.version).toBe(second.version);
  });

  it('sees what another process published or rolled back on the same database', async () => {
    const otherRepository = await openRepository({ dataDir });
    opened.push(otherRepository);
    const other = createModelRegistry({ repository: otherRepository, builtBundleDir: builtDir, dataDir });
    expect((await registry.current())!.manifest.version).toBe('b1');
    const published = await other.publish({ head: head(['text:金毛'], 1), tags: [taught('金毛', 0.4)], runId: 'run-1' });
    expect((await registry.current())!.json).toBe((await other.current())!.json);
    expect(await bytesOf(registry, published.version, 'head.onnx')).toEqual(encodeHead(head(['text:金毛'], 1)));
    await registry.rollback('b1');
    expect((await other.current())!.manifest.version).toBe('b1');
  });

  it('keeps serving published versions after `npm run models` rebuilt a different base', async () => {
    const published = await registry.publish({ head: head(['text:金毛'], 1), tags: [taught('金毛', 0.4)], runId: 'run-1' });
    const rebuilt = writeBuiltBundle(builtDir, 'b2', 7);
    expect(rebuilt).not.toEqual(detector);
    expect((await registry.current())!.manifest.version).toBe(published.version);
    expect(await bytesOf(registry, published.version, 'detector.onnx')).toEqual(detector);
    expect(await registry.file('b1', 'detector.onnx')).toBeNull();
    expect((await registry.versions()).map((v) => v.version).sort()).toEqual(['b2', published.version].sort());
    // Training on from the published version still finds its base in the registry's own copies.
    const next = await registry.publish({ head: head(['text:金毛'], 2), tags: [taught('金毛', 0.5)], runId: 'run-2' });
    expect(await bytesOf(registry, next.version, 'detector.onnx')).toEqual(detector);
    await registry.rollback('b2');
    expect(await bytesOf(registry, 'b2', 'detector.onnx')).toEqual(rebuilt);
  });

  it('never serves a file changed under the same size and modification time', async () => {
    const published = await registry.publish({ head: head(['text:金毛'], 1), tags: [taught('金毛', 0.4)], runId: 'run-1' });
    const headFile = published.files.find((file) => file.path === 'head.onnx')!;
    const path = join(dataDir, 'models', 'files', headFile.sha256);
    const api = await createTestApi({ bundles: registry });
    try {
      const get = (name: string) => api.app.request(`/models/${published.version}/${name}`);
      expect((await get('head.onnx')).status).toBe(200);
      // `touch -r` restores the time to the nanosecond, as a careful attacker would.
      const reference = `${path}.time`;
      execFileSync('touch', ['-r', path, reference]);
      const bytes = readFileSync(path);
      bytes[bytes.length - 1] ^= 0xff;
      writeFileSync(path, bytes);
      execFileSync('touch', ['-r', reference, path]);
      // The check by size and time passes, the bytes do not: the body never arrives whole.
      await expect((await get('head.onnx')).arrayBuffer()).rejects.toThrow(/changed on disk/);
      expect((await get('head.onnx')).status).toBe(404);
    } finally {
      await api.close();
    }
  });

  it('answers 404 for a missing or damaged file, built or published, and keeps serving the rest', async () => {
    const published = await registry.publish({ head: head(['text:金毛'], 1), tags: [taught('金毛', 0.4)], runId: 'run-1' });
    const headFile = published.files.find((file) => file.path === 'head.onnx')!;
    const api = await createTestApi({ bundles: registry });
    try {
      const get = async (version: string, name: string) => (await api.app.request(`/models/${version}/${name}`)).status;
      expect(await get(published.version, 'head.onnx')).toBe(200);
      writeFileSync(join(dataDir, 'models', 'files', headFile.sha256), new Uint8Array(headFile.bytes));
      expect(await get(published.version, 'head.onnx')).toBe(404);
      expect(await registry.fileBytes(published.version, 'head.onnx')).toBeNull();
      rmSync(join(dataDir, 'models', 'files', headFile.sha256));
      expect(await get(published.version, 'head.onnx')).toBe(404);
      expect(await get(published.version, 'detector.onnx')).toBe(200);

      writeFileSync(join(builtDir, 'detector.onnx'), detector.map((byte) => byte ^ 1));
      expect(await get('b1', 'detector.onnx')).toBe(404);
      expect(await get('b1', '..%2Fmanifest.json')).toBe(404);
      expect(await get('h20990101000000-abcdef', 'head.onnx')).toBe(404);
      expect((await api.app.request('/api/v1/models/current')).status).toBe(200);
    } finally {
      await api.close();
    }
  });
});
