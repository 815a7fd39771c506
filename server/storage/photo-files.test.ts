import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createPhotoFiles } from './photo-files.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'wanwu-photos-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
const photos = createPhotoFiles(dataDir);

function photo(seed: string): { id: string; bytes: Uint8Array } {
  const bytes = new Uint8Array(Buffer.from(`\xff\xd8 jpeg ${seed} `.repeat(1000), 'latin1'));
  return { id: createHash('sha256').update(bytes).digest('hex'), bytes };
}

describe('photo files', () => {
  it('stores a photo under <data>/photos/<first 2 hex>/<id>.jpg and reads it back', async () => {
    const { id, bytes } = photo('dog');
    expect(await photos.has(id)).toBe(false);
    expect(await photos.read(id)).toBeNull();
    expect(await photos.write(id, bytes)).toBe(true);
    expect(await photos.has(id)).toBe(true);
    expect(new Uint8Array((await photos.read(id))!)).toEqual(bytes);
    expect(readdirSync(join(dataDir, 'photos', id.slice(0, 2)))).toEqual([`${id}.jpg`]);
  });

  it('keeps the first photo stored under an id, even when two arrive at once', async () => {
    const { id, bytes } = photo('cat');
    const other = photo('impostor').bytes;
    const results = await Promise.all([photos.write(id, bytes), photos.write(id, other), photos.write(id, other)]);
    expect(results.filter(Boolean)).toHaveLength(1);
    const stored = new Uint8Array((await photos.read(id))!);
    expect(await photos.write(id, other)).toBe(false);
    expect(new Uint8Array((await photos.read(id))!)).toEqual(stored);
    // No temporary file is left beside it.
    expect(readdirSync(join(dataDir, 'photos', id.slice(0, 2)))).toEqual([`${id}.jpg`]);
  });

  it('refuses anything but 64 lowercase hex characters before touching the disk', async () => {
    for (const id of ['../../etc/passwd', 'A'.repeat(64), 'a'.repeat(63), `${'a'.repeat(62)}/x`, '']) {
      await expect(photos.write(id, new Uint8Array(1))).rejects.toThrow(/64 lowercase hex/);
      await expect(photos.read(id)).rejects.toThrow(/64 lowercase hex/);
      await expect(photos.has(id)).rejects.toThrow(/64 lowercase hex/);
    }
    expect(readdirSync(dataDir)).toEqual(['photos']);
  });
});
