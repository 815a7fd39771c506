import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeWhole } from './write-whole.ts';

const dir = mkdtempSync(join(tmpdir(), 'wanwu-write-whole-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const bytes = (text: string) => new Uint8Array(Buffer.from(text.repeat(10_000)));

describe('writeWhole', () => {
  it('writes the whole bytes into a new folder and leaves no temporary file beside them', async () => {
    const path = join(dir, 'new', 'a.bin');
    expect(await writeWhole(path, bytes('first '), { replace: true })).toBe(true);
    expect(new Uint8Array(readFileSync(path))).toEqual(bytes('first '));
    expect(readdirSync(join(dir, 'new'))).toEqual(['a.bin']);
  });

  it('replaces the file with replace: true', async () => {
    const path = join(dir, 'replaced.bin');
    await writeWhole(path, bytes('old '), { replace: true });
    expect(await writeWhole(path, bytes('new '), { replace: true })).toBe(true);
    expect(new Uint8Array(readFileSync(path))).toEqual(bytes('new '));
  });

  it('keeps the file stored first with replace: false and answers false', async () => {
    const path = join(dir, 'kept', 'b.bin');
    expect(await writeWhole(path, bytes('first '), { replace: false })).toBe(true);
    expect(await writeWhole(path, bytes('second '), { replace: false })).toBe(false);
    expect(new Uint8Array(readFileSync(path))).toEqual(bytes('first '));
    expect(readdirSync(join(dir, 'kept'))).toEqual(['b.bin']);
  });
});
