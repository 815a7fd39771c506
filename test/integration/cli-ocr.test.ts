import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundleDir, ocrDir, photosDir, repoRoot } from '../env.ts';

/** `wanwu recognize …` as people run it, from the repo root; resolves with its output and exit code. */
function recognize(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const env = { ...process.env, WANWU_BUNDLE_DIR: bundleDir };
    execFile(process.execPath, ['bin/wanwu.js', 'recognize', ...args], { cwd: repoRoot, env }, (error, stdout, stderr) => {
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

const word = join(ocrDir, 'word_1.jpg');
const upsideDown = join(ocrDir, 'text_cls.jpg');
const dog = join(photosDir, 'dog.jpg');

describe('wanwu recognize --ocr', () => {
  it('adds each photo\'s text lines with score and box to the JSON lines', async () => {
    const run = await recognize(['--ocr', '--json', word, upsideDown, dog]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const [first, second, third] = run.stdout.trim().split('\n').map((line) => JSON.parse(line));
    expect(first.text).toEqual([{ text: '韩国小馆', score: expect.any(Number), box: expect.any(Array) }]);
    expect(first.text[0].box).toHaveLength(4);
    expect(first.text[0].box.every((corner: number[]) => corner.length === 2 && corner.every(Number.isFinite))).toBe(true);
    expect(second.text.map((line: { text: string }) => line.text)).toEqual(['怪我咯']);
    // A photo without writing gets an empty list, and the tags are still there.
    expect(third.text).toEqual([]);
    expect(third.tags.some((tag: { id: string; shown: boolean }) => tag.id === 'coco:dog' && tag.shown)).toBe(true);
  });

  it('prints a "Text found" section in the table, and no text without --ocr', async () => {
    const withText = await recognize(['--ocr', word]);
    expect(withText.stdout).toMatch(/Text found:\n\s+0\.\d{3}\s+韩国小馆\n/);
    const plain = await recognize(['--json', word]);
    expect(JSON.parse(plain.stdout)).not.toHaveProperty('text');
  });
});
