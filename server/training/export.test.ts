import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DIMS, storeConsensus, storeLabelledPhotos, writeBuiltBundle } from '../../test/training-fixture.ts';
import { main } from '../cli.ts';
import { openRepository } from '../storage/open-repository.ts';
import { createPhotoFiles } from '../storage/photo-files.ts';
import { splitOf } from './split.ts';

/** `wanwu export` on a temp SQLite database with feedback events, consensus and one shared photo. */
describe('wanwu export', () => {
  let folder: string;
  let sharedId: string;
  const photoBytes = Uint8Array.of(0xff, 0xd8, 0xff, 0xd9);

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'wanwu-export-'));
    const dataDir = join(folder, 'data');
    writeBuiltBundle(join(folder, 'bundle'));
    vi.stubEnv('WANWU_BUNDLE_DIR', join(folder, 'bundle'));
    vi.stubEnv('DATABASE_URL', '');
    const repository = await openRepository({ dataDir });
    const items = await storeLabelledPhotos(repository, { count: 6 });
    items.push({ ...items[0], tagKey: 'coco:dog', probability: 0.9, hard: true });
    await storeConsensus(repository, items);
    sharedId = items[0].photoId;
    await createPhotoFiles(dataDir).write(sharedId, photoBytes);
    await repository.close();
  });
  afterAll(async () => {
    vi.unstubAllEnvs();
    await rm(folder, { recursive: true, force: true });
  });

  it('writes each labelled photo with its split, embedding and labels, tag names, and the shared photos as COCO', async () => {
    const out = join(folder, 'out');
    const log = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    expect(await main(['export', '--out', out, '--data', join(folder, 'data')])).toBe(0);
    expect(String(log.mock.calls.at(-1)?.[0])).toMatch(/exported 6 photos \(6 with an embedding, 1 shared\) and 3 tags/);
    log.mockRestore();

    const lines = (await readFile(join(out, 'dataset.jsonl'), 'utf8')).trim().split('\n').map((line) => JSON.parse(line));
    expect(lines).toHaveLength(6);
    const first = lines.find((line) => line.photoId === sharedId);
    expect(first).toMatchObject({ split: splitOf(sharedId), dims: DIMS });
    expect(first.embedding).toHaveLength(DIMS);
    expect(first.labels).toContainEqual({ tag: 'coco:dog', probability: 0.9, weight: expect.closeTo(1.6, 6), hard: true });
    expect(first.labels.map((label: { tag: string }) => label.tag).sort()).toEqual(['coco:dog', 'text:cat tree', 'text:金毛']);

    const tags = JSON.parse(await readFile(join(out, 'tags.json'), 'utf8'));
    expect(tags).toContainEqual({ key: 'coco:dog', zh: '狗', en: 'dog', text: null });
    expect(tags).toContainEqual({ key: 'text:金毛', zh: null, en: null, text: '金毛' });

    const coco = JSON.parse(await readFile(join(out, 'coco.json'), 'utf8'));
    expect(coco.images).toEqual([{ id: 1, file_name: `images/${sharedId}.jpg`, photo_id: sharedId, split: splitOf(sharedId) }]);
    const dog = coco.categories.find((category: { name: string }) => category.name === 'coco:dog');
    expect(coco.annotations).toContainEqual({ id: expect.any(Number), image_id: 1, category_id: dog.id, bbox: null, probability: 0.9 });
    expect(await readdir(join(out, 'images'))).toEqual([`${sharedId}.jpg`]);
    expect(await readFile(join(out, 'images', `${sharedId}.jpg`))).toEqual(Buffer.from(photoBytes));
    expect(await readFile(join(out, 'README.txt'), 'utf8')).toMatch(/dataset\.jsonl/);
  });

  it('refuses to run without --out, with its usage line, writing nothing', async () => {
    const error = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const log = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    for (const args of [['export'], ['export', '--data', join(folder, 'data')]]) {
      error.mockClear();
      expect(await main(args), args.join(' ')).toBe(2);
      expect(String(error.mock.calls[0]?.[0])).toMatch(/--out DIR is required\nusage: wanwu export --out DIR \[--data DIR\]\n$/);
    }
    expect(log).not.toHaveBeenCalled();
    log.mockRestore();
    error.mockRestore();
  });
});
