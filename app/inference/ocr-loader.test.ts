import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseManifest, type Manifest } from '../../models/pipeline/manifest.ts';
import type { TextReader } from '../../models/pipeline/ocr/text-reader.ts';
import { bundleDir } from '../../test/env.ts';
import { createOcrLoader } from './ocr-loader.ts';

const built = parseManifest(JSON.parse(await readFile(join(bundleDir, 'manifest.json'), 'utf8')));

/** The built bundle as another version: a trained head changes the version, not the OCR. */
const version = (name: string, ocr = built.ocr): Manifest => ({ ...built, version: name, ocr });

/** Records what the worker would download and build; `failing` downloads throw once each. */
function loader(failing = 0) {
  const downloads: string[] = [];
  const readers: { version: string; released: boolean }[] = [];
  const ocr = createOcrLoader({
    async files(name, files, onProgress) {
      downloads.push(name);
      onProgress({ loaded: 0, total: files.reduce((sum, file) => sum + file.bytes, 0) });
      if (failing-- > 0) throw new Error('offline');
      return Object.fromEntries(files.map((file) => [file.path, new Uint8Array(1)]));
    },
    async create() {
      const reader = { version: downloads.at(-1)!, released: false };
      readers.push(reader);
      return { read: async () => ({ lines: [], ms: 0 }), release: async () => void (reader.released = true) } satisfies TextReader;
    },
  });
  return { ocr, downloads, readers };
}

const ignore = () => {};

describe('the OCR loader', () => {
  it('downloads the OCR files once, with their total, and keeps the reader across bundles with the same OCR', async () => {
    const { ocr, downloads, readers } = loader();
    const progress: number[] = [];
    const [first, second] = await Promise.all([ocr.reader(version('v1'), ({ total }) => progress.push(total)), ocr.reader(version('v1'), ignore)]);
    const afterUpdate = await ocr.reader(version('v2'), ignore);

    expect(first).toBe(second);
    expect(afterUpdate).toBe(first);
    expect(downloads).toEqual(['v1']);
    expect(progress).toEqual([built.ocr!.files.reduce((sum, file) => sum + file.bytes, 0)]);
    expect(readers).toEqual([{ version: 'v1', released: false }]);
  });

  it('replaces the reader, releasing the old one, when a bundle brings other OCR files', async () => {
    const { ocr, readers } = loader();
    await ocr.reader(version('v1'), ignore);
    const files = built.ocr!.files.map((file, i) => (i === 0 ? { ...file, sha256: 'f'.repeat(64) } : file));
    await ocr.reader(version('v2', { ...built.ocr!, files }), ignore);
    await Promise.resolve();

    expect(readers).toEqual([{ version: 'v1', released: true }, { version: 'v2', released: false }]);
  });

  it('tries again after a failed download', async () => {
    const { ocr, downloads } = loader(1);
    await expect(ocr.reader(version('v1'), ignore)).rejects.toThrow('offline');
    await expect(ocr.reader(version('v1'), ignore)).resolves.toBeDefined();
    expect(downloads).toEqual(['v1', 'v1']);
  });

  it('says a bundle without OCR cannot read text', async () => {
    const { ocr, downloads } = loader();
    await expect(ocr.reader({ ...built, ocr: undefined }, ignore)).rejects.toMatchObject({ code: 'model-unavailable' });
    expect(downloads).toEqual([]);
  });
});
