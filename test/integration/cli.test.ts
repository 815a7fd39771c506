import { execFile } from 'node:child_process';
import { linkSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jpeg from 'jpeg-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleDir, photosDir, repoRoot } from '../env.ts';

interface Run {
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI as people do, from the repo root, with `input` on its stdin, and never throws on a non-zero exit. */
function wanwu(args: string[], { viaNpx = false, env = {}, input = '' }: { viaNpx?: boolean; env?: Record<string, string>; input?: string } = {}): Promise<Run> {
  const [file, argv] = viaNpx ? ['npx', ['--no-install', 'wanwu', ...args]] : [process.execPath, ['bin/wanwu.js', ...args]];
  return new Promise((resolve) => {
    const childEnv = { ...process.env, WANWU_BUNDLE_DIR: bundleDir, ...env };
    const child = execFile(file, argv, { cwd: repoRoot, env: childEnv, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      const failure = error as (Error & { code?: number; signal?: string }) | null;
      resolve({ code: failure ? (failure.code ?? null) : 0, signal: failure?.signal ?? null, stdout, stderr });
    });
    child.stdin!.end(input);
  });
}

interface JsonTag {
  id: string;
  en: string;
  zh: string;
  score: number;
  source: string;
  shown: boolean;
  boxes: unknown[];
}

function jsonLines(run: Run): { file: string; model: string; provider: string; ms: number; tags: JsonTag[] }[] {
  return run.stdout.trim().split('\n').filter(Boolean).map((line) => JSON.parse(line));
}

const dog = join(photosDir, 'dog.jpg');
const horses = join(photosDir, 'horses.jpg');
const shownIds = (tags: JsonTag[]) => tags.filter((tag) => tag.shown).map((tag) => tag.id);
const noStack = /\n\s+at |Error:|node:internal/;

let version: string;
let temp: string;
beforeAll(() => {
  version = JSON.parse(readFileSync(join(bundleDir, 'manifest.json'), 'utf8')).version;
  temp = mkdtempSync(join(tmpdir(), 'wanwu-cli-'));
});
afterAll(() => rmSync(temp, { recursive: true, force: true }));

describe('wanwu recognize', () => {
  it('prints one JSON line per photo with the documented fields and the expected tags', async () => {
    const run = await wanwu(['recognize', '--json', dog, horses]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const [dogLine, horsesLine] = jsonLines(run);
    expect(Object.keys(dogLine)).toEqual(['file', 'model', 'provider', 'ms', 'tags']);
    expect(dogLine).toMatchObject({ file: dog, model: version, provider: 'cpu' });
    expect(dogLine.ms).toBeGreaterThan(0);
    for (const tag of dogLine.tags) {
      expect(Object.keys(tag)).toEqual(['id', 'en', 'zh', 'score', 'source', 'shown', 'boxes']);
      expect(tag.shown).toBe(true);
    }
    const scores = dogLine.tags.map((tag) => tag.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    expect(shownIds(dogLine.tags)).toEqual(expect.arrayContaining(['coco:dog', 'coco:bicycle']));
    expect(shownIds(dogLine.tags).some((id) => id === 'coco:car' || id === 'coco:truck')).toBe(true);
    expect(dogLine.tags.find((tag) => tag.id === 'coco:dog')).toMatchObject({ en: 'dog', zh: '狗', source: 'detector' });
    expect(dogLine.tags.find((tag) => tag.id === 'coco:dog')!.boxes.length).toBeGreaterThan(0);
    expect(horsesLine.file).toBe(horses);
    expect(shownIds(horsesLine.tags)).toContain('coco:horse');
  });

  it('prints a readable table through `npx wanwu`', async () => {
    const run = await wanwu(['recognize', dog], { viaNpx: true });
    expect(run.code).toBe(0);
    const lines = run.stdout.split('\n');
    expect(lines[0]).toMatch(new RegExp(`^${dog.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}\\s+\\(model ${version}, cpu, \\d+ ms\\)$`));
    expect(lines[1].split(/\s+/).filter(Boolean)).toEqual(['tag', 'score', 'shown', 'boxes']);
    const dogRow = lines.find((line) => /\s狗\s+dog\s/.test(line));
    expect(dogRow).toMatch(/\s0\.\d{3}\s+yes\s+\d+$/);
    expect(run.stdout).toMatch(/\sbicycle\s/);
  });

  it('with --min-score lists every tag scoring at least that, shown or not', async () => {
    const [plain] = jsonLines(await wanwu(['recognize', '--json', dog]));
    const run = await wanwu(['recognize', '--json', '--min-score', '0.01', dog]);
    expect(run.code).toBe(0);
    const [line] = jsonLines(run);
    expect(line.tags.length).toBeGreaterThan(plain.tags.length);
    expect(line.tags.some((tag) => !tag.shown)).toBe(true);
    expect(line.tags.every((tag) => tag.score >= 0.01)).toBe(true);
    expect(shownIds(line.tags)).toEqual(shownIds(plain.tags));
  });

  it('reports each bad file on one line, still recognises the good ones, and exits 1', async () => {
    const text = join(temp, 'notes.txt');
    const truncated = join(temp, 'truncated.jpg');
    const missing = join(temp, 'missing.jpg');
    writeFileSync(text, 'shopping list: rice, tofu, tea\n');
    const dogBytes = readFileSync(dog);
    writeFileSync(truncated, dogBytes.subarray(0, Math.floor(dogBytes.length / 2)));
    const run = await wanwu(['recognize', '--json', text, dog, truncated, missing]);
    expect(run.code).toBe(1);
    expect(jsonLines(run).map((line) => line.file)).toEqual([dog]);
    const errors = run.stderr.trim().split('\n');
    expect(errors).toHaveLength(3);
    expect(errors[0]).toMatch(new RegExp(`^wanwu: ${text}: This file is not an image`));
    expect(errors[1]).toMatch(new RegExp(`^wanwu: ${truncated}: This JPEG file is (damaged|incomplete)`));
    expect(errors[2]).toBe(`wanwu: ${missing}: No such file`);
    expect(run.stderr).not.toMatch(noStack);
  });

  it('walks folders recursively and reads paths from standard input (-), in the order given', async () => {
    const album = join(temp, 'album');
    mkdirSync(join(album, '2026', 'summer'), { recursive: true });
    linkSync(dog, join(album, '2026', 'summer', 'dog.jpg'));
    linkSync(horses, join(album, 'horses.JPG'));
    writeFileSync(join(album, '2026', 'notes.txt'), 'not a photo');
    const run = await wanwu(['recognize', '--json', album, '-'], { input: `${dog}\n\n${horses}\n` });
    expect(run.code).toBe(0);
    expect(jsonLines(run).map((line) => line.file)).toEqual([join(album, '2026', 'summer', 'dog.jpg'), join(album, 'horses.JPG'), dog, horses]);
    expect(run.stderr).toBe('wanwu: skipped 1 file in the folders that are not JPEG or PNG\n');
  });

  it('takes 1,000 photo paths on the command line: no crash, a JSON line each, progress on stderr', async () => {
    // onnxruntime-node used to die with SIGSEGV creating its first session past ~25 KB of arguments.
    const many = join(temp, 'many');
    mkdirSync(many);
    const small = join(many, 'small.jpg');
    writeFileSync(small, jpeg.encode({ width: 64, height: 48, data: new Uint8Array(64 * 48 * 4).fill(120) }, 80).data);
    const paths = Array.from({ length: 1000 }, (_, i) => join(many, `holiday-${String(i).padStart(4, '0')}-a-long-enough-name-to-fill-the-command-line.jpg`));
    for (const path of paths) linkSync(small, path);
    const run = await wanwu(['recognize', '--json', ...paths]);
    expect(run.signal).toBeNull();
    expect(run.code, run.stderr).toBe(0);
    expect(jsonLines(run).map((line) => line.file)).toEqual(paths);
    const progress = run.stderr.trimEnd().split('\n');
    expect(progress.length).toBeGreaterThan(0);
    for (const line of progress) expect(line).toMatch(/^wanwu: \d+ of 1000 photos, \d+\.\d a second, (under a minute|about \d+ min) left$/);
  }, 600_000);

  it('recognises a 50-megapixel photo or refuses it clearly, never crashing', async () => {
    const width = 8660;
    const height = 5774;
    const data = new Uint8Array(width * height * 4).fill(200);
    const huge = join(temp, 'huge.jpg');
    writeFileSync(huge, jpeg.encode({ data, width, height }, 80).data);
    const run = await wanwu(['recognize', '--json', huge]);
    expect(run.signal).toBeNull();
    expect(run.stderr).not.toMatch(noStack);
    if (run.code === 0) expect(jsonLines(run)).toMatchObject([{ file: huge, model: version }]);
    else expect(run.stderr).toMatch(new RegExp(`^wanwu: ${huge}: .*(large|megapixels|MP)`));
  }, 300_000);

  it('exits 2 with a usage line on bad arguments', async () => {
    for (const args of [['recognize'], ['recognize', '--min-score', 'high', dog], ['recognize', '--colour', dog], ['paint']]) {
      const run = await wanwu(args);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr, args.join(' ')).toMatch(/^usage: wanwu /m);
      expect(run.stdout).toBe('');
    }
  });

  it('says how to build the models when the bundle is missing', async () => {
    const run = await wanwu(['recognize', dog], { env: { WANWU_BUNDLE_DIR: join(temp, 'no-bundle') } });
    expect(run.code).toBe(1);
    expect(run.stderr.trim()).toMatch(/^wanwu: No model bundle in .*npm run models/);
  });
});
