import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { RecognitionError } from '../../models/pipeline/errors.ts';
import type { Manifest, VocabularyTag } from '../../models/pipeline/manifest.ts';
import type { Recognition } from '../../models/pipeline/types.ts';
import { WanwuDatabase } from '../store/schema.ts';
import { createInstalledModels } from './installed-models.ts';
import { BundleRefusedError, createModelManager, type Runner } from './model-updates.ts';

const base = { path: 'detector.onnx', sha256: 'a'.repeat(64), bytes: 8 };
const dog: VocabularyTag = { id: 'coco:dog', en: 'dog', zh: '狗', threshold: 0.3 };
const taught = (name: string): VocabularyTag => ({ id: `text:${name}`, en: name, zh: name, threshold: 0.5, taught: true });

function manifest(version: string, tags: VocabularyTag[] = [dog], head = version): Manifest {
  const files = [base, { path: 'head.onnx', sha256: head.padEnd(64, '0').slice(0, 64), bytes: 4 }];
  return { format: 1, version, created: '2025-01-01T00:00:00Z', files, models: [], tags, inputs: version };
}

interface FakeRunner extends Runner {
  version: string;
  released: boolean;
}

/**
 * A device: the real installed-models store over an in-memory IndexedDB, and a server and a
 * loader that do what each test says. `broken` versions fail to build, `crashing` ones to run.
 */
function device(server: { manifest: Manifest | null }, indexedDB = new IDBFactory()) {
  const installed = createInstalledModels(new WanwuDatabase('wanwu', { indexedDB, IDBKeyRange }));
  const broken = new Set<string>();
  const crashing = new Set<string>();
  const refusing = new Set<string>();
  const downloads: string[] = [];
  const kept: string[][] = [];
  const runners: FakeRunner[] = [];
  const manager = createModelManager<FakeRunner>({
    installed,
    async currentManifest() {
      if (!server.manifest) throw new RecognitionError('model-unavailable', 'offline');
      return server.manifest;
    },
    async files(wanted) {
      downloads.push(wanted.version);
      if (refusing.has(wanted.version)) throw new BundleRefusedError(`head.onnx of ${wanted.version} has the wrong sha256`);
      return Object.fromEntries(wanted.files.map((file) => [file.path, new Uint8Array(file.bytes)]));
    },
    async start(wanted) {
      if (broken.has(wanted.version)) throw new RecognitionError('model-unavailable', `${wanted.version} does not load`);
      const runner: FakeRunner = {
        version: wanted.version,
        released: false,
        async recognize() {
          if (crashing.has(wanted.version)) throw new RecognitionError('inference-failed', `${wanted.version} crashed`);
          return { model: wanted.version } as Recognition;
        },
        async release() {
          runner.released = true;
        },
      };
      runners.push(runner);
      return runner;
    },
    async prune(keep) {
      kept.push(keep.map((m) => m.version));
    },
  });
  return { manager, installed, broken, crashing, refusing, downloads, kept, runners, indexedDB };
}

const photo = new Uint8Array([1, 2, 3]);
const ignore = () => {};

describe('model updates', () => {
  it('installs the server bundle once, then starts on it without the network', async () => {
    const server = { manifest: manifest('v1') as Manifest | null };
    const first = device(server);
    expect(await first.manager.start(ignore)).toBeNull();
    expect((await first.manager.recognize(photo)).recognition.model).toBe('v1');

    server.manifest = null;
    const reload = device(server, first.indexedDB);
    await reload.manager.start(ignore);
    expect(reload.manager.active().manifest.version).toBe('v1');
    expect((await reload.manager.update(ignore)).outcome).toBe('unreachable');
  });

  it('switches to a newer bundle once it is built, keeps the previous one and counts the tags it learned', async () => {
    const server = { manifest: manifest('v1') };
    const { manager, installed, runners, kept } = device(server);
    await manager.start(ignore);
    server.manifest = manifest('v2', [dog, taught('金毛'), taught('柯基')]);

    const running = manager.recognize(photo);
    const outcome = await manager.update(ignore);
    expect(outcome).toEqual({ outcome: 'switched', change: { kind: 'updated', learned: 2, failed: null } });
    // The recognition that had started finishes on the bundle it started on; the next uses the new one.
    expect((await running).recognition.model).toBe('v1');
    expect((await manager.recognize(photo)).recognition.model).toBe('v2');
    expect(runners[0].released).toBe(true);
    expect(manager.active().previous).toBe('v1');
    expect(await installed.choice()).toMatchObject({ active: 'v2', previous: 'v1', trial: false });
    expect(kept.at(-1)).toEqual(['v2', 'v1']);
    expect(await manager.update(ignore)).toEqual({ outcome: 'current' });
  });

  it('keeps the current bundle when the new one does not load, and never tries that one again', async () => {
    const server = { manifest: manifest('v1') };
    const { manager, broken, downloads } = device(server);
    await manager.start(ignore);
    server.manifest = manifest('v2');
    broken.add('v2');

    expect(await manager.update(ignore)).toMatchObject({ outcome: 'failed', version: 'v2' });
    expect((await manager.recognize(photo)).recognition.model).toBe('v1');
    expect(await manager.update(ignore)).toEqual({ outcome: 'skipped', version: 'v2' });
    expect(downloads.filter((v) => v === 'v2')).toHaveLength(1);
  });

  it('rolls back when the new bundle fails its first recognition, and recognises the photo with the previous one', async () => {
    const server = { manifest: manifest('v1') };
    const { manager, installed, crashing, kept } = device(server);
    await manager.start(ignore);
    server.manifest = manifest('v2', [dog, taught('金毛')]);
    crashing.add('v2');
    expect((await manager.update(ignore)).outcome).toBe('switched');

    const { recognition, change } = await manager.recognize(photo);
    expect(recognition.model).toBe('v1');
    expect(change).toEqual({ kind: 'rolled-back', learned: 0, failed: 'v2' });
    expect(await installed.choice()).toMatchObject({ active: 'v1', previous: null, failed: ['v2'] });
    expect(kept.at(-1)).toEqual(['v1']);
    expect(await manager.update(ignore)).toEqual({ outcome: 'skipped', version: 'v2' });
  });

  it('rolls back after a reload too, while the new bundle has not yet recognised anything', async () => {
    const server = { manifest: manifest('v1') };
    const first = device(server);
    await first.manager.start(ignore);
    server.manifest = manifest('v2');
    await first.manager.update(ignore);

    const reload = device(server, first.indexedDB);
    reload.crashing.add('v2');
    await reload.manager.start(ignore);
    expect(reload.manager.active().manifest.version).toBe('v2');
    const { recognition, change } = await reload.manager.recognize(photo);
    expect(recognition.model).toBe('v1');
    expect(change?.failed).toBe('v2');

    const another = device(server, first.indexedDB);
    another.broken.add('v2');
    await another.manager.start(ignore);
    expect(another.manager.active().manifest.version).toBe('v1');
  });

  it('does not roll back a bundle that has proved itself, nor for a photo it cannot read', async () => {
    const server = { manifest: manifest('v1') };
    const { manager, crashing } = device(server);
    await manager.start(ignore);
    server.manifest = manifest('v2');
    await manager.update(ignore);
    await manager.recognize(photo);
    crashing.add('v2');
    await expect(manager.recognize(photo)).rejects.toMatchObject({ code: 'inference-failed' });
    expect(manager.active().manifest.version).toBe('v2');
  });

  it('refuses a download that does not match its hashes, tries it once more later, then gives it up', async () => {
    const server = { manifest: manifest('v1') };
    const { manager, refusing, downloads } = device(server);
    await manager.start(ignore);
    server.manifest = manifest('v2');
    refusing.add('v2');

    expect(await manager.update(ignore)).toMatchObject({ outcome: 'refused', version: 'v2' });
    expect(manager.active().manifest.version).toBe('v1');
    expect(await manager.update(ignore)).toMatchObject({ outcome: 'refused', version: 'v2' });
    expect(await manager.update(ignore)).toEqual({ outcome: 'skipped', version: 'v2' });
    expect(downloads.filter((v) => v === 'v2')).toHaveLength(2);
    expect((await manager.recognize(photo)).recognition.model).toBe('v1');
  });
});
