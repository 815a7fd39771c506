import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { build } from 'vite';
import GutenOcr from '@gutenye/ocr-node';
import { launchBrowser, startServer } from '../test/browser.ts';
import { bundleDir, repoRoot } from '../test/env.ts';
import { FOUND_SIMILARITY, isRead, readTruth, type TruthItem } from '../test/ocr-truth.ts';
import { MANIFEST_FILE, parseManifest } from '../models/pipeline/manifest.ts';
import { loadTextReader } from '../server/inference/ocr.ts';
import type { OcrBenchSetup, OcrRun } from './browser/ocr/ocr-bench-api.ts';
import { median } from './metrics.ts';
import { fixed, formatTable, writeResult } from './report.ts';

/**
 * `npm run bench -- ocr`: every image of ocr-zh read by Wanwu's text reader in headless Chromium
 * (onnxruntime-web WASM) and in Node (onnxruntime-node), and by @gutenye/ocr-node on the same
 * models; per-image latency (median after one warm-up) and the accuracy of each on truth.json.
 */
const ocrPageDir = join(repoRoot, 'bench', 'dist', 'ocr');
const ENGINES = ['browser', 'node', 'gutenye'] as const;
type Engine = (typeof ENGINES)[number];
const ENGINE_NAMES: Record<Engine, string> = { browser: 'Wanwu (browser)', node: 'Wanwu (node)', gutenye: '@gutenye/ocr-node' };

interface ImageRuns {
  file: string;
  path: string;
  /** Wall time per kept run, ms. */
  ms: Record<Engine, number[]>;
  /** What each engine read (the last run). */
  texts: Record<Engine, string[]>;
}

export async function runOcr({ runs, ocrDir }: { runs: number; ocrDir: string }): Promise<void> {
  const manifestPath = join(bundleDir, MANIFEST_FILE);
  if (!existsSync(manifestPath)) throw new Error(`${manifestPath} is missing: run \`npm run build\` first`);
  if (!parseManifest(JSON.parse(await readFile(manifestPath, 'utf8'))).ocr) throw new Error('The built bundle has no OCR models: run `npm run build` again');
  const truth = await readTruth(ocrDir);
  const images = await Promise.all(truth.map((item) => readFile(join(ocrDir, item.file))));
  const results: ImageRuns[] = truth.map(({ file }) => ({ file, path: join(ocrDir, file), ms: { browser: [], node: [], gutenye: [] }, texts: { browser: [], node: [], gutenye: [] } }));

  const setup = await inBrowser(images, runs, results);
  await inNode(images, runs, results);
  await report(setup, truth, results, { runs, ocrDir });
}

/** Round 0 of every loop warms the runtime up and is not kept. */
async function inBrowser(images: Buffer[], runs: number, results: ImageRuns[]): Promise<OcrBenchSetup> {
  await build({ configFile: join(repoRoot, 'bench', 'browser', 'ocr', 'vite.config.ts') });
  const server = await startServer({ WANWU_APP_DIR: ocrPageDir });
  const browser = await launchBrowser();
  try {
    const page = await browser.context.newPage();
    // An error in the page would otherwise leave a run waiting forever.
    const crashed = new Promise<never>((_, reject) => page.on('pageerror', (error) => reject(new Error(`The OCR benchmark page failed: ${error.message}`))));
    crashed.catch(() => {});
    const guard = <T>(run: Promise<T>) => Promise.race([run, crashed]);
    await page.goto(server.url);
    await page.waitForSelector('body[data-ready]');
    const setup = await guard(page.evaluate((encoded) => window.wanwuOcrBench.setup(encoded), images.map((image) => image.toString('base64'))));
    for (let round = 0; round <= runs; round++) {
      for (let i = 0; i < images.length; i++) {
        const run = await guard<OcrRun>(page.evaluate((image) => window.wanwuOcrBench.read(image), i));
        keep(results[i], 'browser', round, run.wallMs, run.lines.map((line) => line.text));
      }
      progress('browser', round, runs);
    }
    return setup;
  } finally {
    await browser.close();
    await server.stop();
  }
}

/** Wanwu's reader and Guten OCR on onnxruntime-node with the same threads, alternating who goes first. */
async function inNode(images: Buffer[], runs: number, results: ImageRuns[]): Promise<void> {
  const reader = await loadTextReader(bundleDir);
  const guten = await GutenOcr.create({ onnxOptions: { executionProviders: ['cpu'], intraOpNumThreads: availableParallelism(), graphOptimizationLevel: 'all' } });
  try {
    for (let round = 0; round <= runs; round++) {
      for (let i = 0; i < images.length; i++) {
        for (const engine of (round + i) % 2 === 0 ? (['node', 'gutenye'] as const) : (['gutenye', 'node'] as const)) {
          const started = performance.now();
          // Guten OCR takes a path and decodes with sharp; ours takes the bytes already read.
          const texts = engine === 'node'
            ? (await reader.read(images[i])).lines.map((line) => line.text)
            : ((await guten.detect(results[i].path)) as { text: string }[]).map((line) => line.text);
          keep(results[i], engine, round, performance.now() - started, texts);
        }
      }
      progress('node', round, runs);
    }
  } finally {
    await reader.release();
  }
}

function keep(result: ImageRuns, engine: Engine, round: number, ms: number, texts: string[]): void {
  if (round > 0) result.ms[engine].push(ms);
  result.texts[engine] = texts;
}

function progress(where: string, round: number, runs: number): void {
  process.stdout.write(round === 0 ? `${where}: warm-up done` : ` · round ${round}/${runs}${round === runs ? '\n' : ''}`);
}

/** Per image: the lines read as truth.json asks (test/ocr-truth.ts), and those missed. */
function score(item: TruthItem, texts: string[]) {
  const found = item.lines.filter((expected) => isRead(item, expected, texts));
  return { found: found.length, missed: item.lines.filter((line) => !found.includes(line)) };
}

async function report(setup: OcrBenchSetup, truth: TruthItem[], results: ImageRuns[], { runs, ocrDir }: { runs: number; ocrDir: string }): Promise<void> {
  const perImage = results.map((result, i) => {
    const item = truth[i];
    const medianMs = Object.fromEntries(ENGINES.map((engine) => [engine, median(result.ms[engine])])) as Record<Engine, number>;
    const scores = Object.fromEntries(ENGINES.map((engine) => [engine, score(item, result.texts[engine])])) as Record<Engine, ReturnType<typeof score>>;
    return { file: item.file, truth: item.truth, lines: item.lines.length, medianMs, scores, texts: result.texts, ms: result.ms };
  });
  const pooled = (engine: Engine) => median(results.flatMap((result) => result.ms[engine]));
  const accuracy = (engine: Engine, kind: TruthItem['truth']) => {
    const items = perImage.filter((image) => image.truth === kind);
    return { found: items.reduce((sum, image) => sum + image.scores[engine].found, 0), of: items.reduce((sum, image) => sum + image.lines, 0) };
  };
  const summary = Object.fromEntries(
    ENGINES.map((engine) => [engine, { medianMs: pooled(engine), checked: accuracy(engine, 'checked'), unverified: accuracy(engine, 'transcribed-unverified') }]),
  ) as Record<Engine, { medianMs: number; checked: { found: number; of: number }; unverified: { found: number; of: number } }>;

  const ms = (value: number) => fixed(value, 1);
  const ratio = (value: number) => `${fixed(value, 2)}×`;
  const found = (image: (typeof perImage)[number], engine: Engine) => `${image.scores[engine].found}/${image.lines}`;
  console.log(`\nocr: ${results.length} images of ${ocrDir} × ${runs} runs each after one warm-up; model ${setup.version}`);
  console.log(`browser: headless Chromium, onnxruntime-web ${setup.provider}, ${setup.threads} threads, crossOriginIsolated=${setup.crossOriginIsolated}, load ${ms(setup.loadMs)} ms`);
  console.log(`node: onnxruntime-node cpu, ${availableParallelism()} threads, Wanwu and @gutenye/ocr-node alternating\n`);
  console.log(
    formatTable(
      ['image', 'truth', 'browser ms', 'node ms', 'gutenye ms', 'gutenye / node', 'browser / node', 'found: ours (node)', 'found: ours (browser)', 'found: gutenye'],
      [
        ...perImage.map((image) => [
          image.file,
          image.truth === 'checked' ? 'checked' : 'unverified',
          ms(image.medianMs.browser),
          ms(image.medianMs.node),
          ms(image.medianMs.gutenye),
          ratio(image.medianMs.gutenye / image.medianMs.node),
          ratio(image.medianMs.browser / image.medianMs.node),
          found(image, 'node'),
          found(image, 'browser'),
          found(image, 'gutenye'),
        ]),
        ['median of all runs', '', ms(summary.browser.medianMs), ms(summary.node.medianMs), ms(summary.gutenye.medianMs),
          ratio(summary.gutenye.medianMs / summary.node.medianMs), ratio(summary.browser.medianMs / summary.node.medianMs), '', '', ''],
      ],
    ),
  );
  const share = ({ found: hit, of }: { found: number; of: number }) => `${hit}/${of} (${fixed((100 * hit) / of, 0)} %)`;
  console.log(`\n${formatTable(['accuracy', ...ENGINES.map((engine) => ENGINE_NAMES[engine])], [
    ['checked lines read exactly', ...ENGINES.map((engine) => share(summary[engine].checked))],
    [`unverified lines found (similarity ≥ ${FOUND_SIMILARITY})`, ...ENGINES.map((engine) => share(summary[engine].unverified))],
  ])}`);
  for (const engine of ENGINES) {
    const missed = perImage.filter((image) => image.truth === 'checked').flatMap((image) => image.scores[engine].missed.map((line) => `${image.file}: ${line}`));
    if (missed.length > 0) console.log(`\n${engine} misses (checked): ${missed.join(' · ')}`);
  }
  const path = await writeResult('ocr', { runs, setup, threads: availableParallelism(), summary, perImage });
  console.log(`\nwritten to ${path}`);
}
