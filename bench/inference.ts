import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { build } from 'vite';
import type { Page } from 'playwright-core';
import { launchBrowser, startServer } from '../test/browser.ts';
import { choosePhoto, openApp, waitForServiceWorkerControl, waitForState } from '../test/e2e/app-page.ts';
import { appDistDir, bundleDir, photosDir, repoRoot } from '../test/env.ts';
import type { BenchSetup, TfjsRun, WanwuRun } from './browser/bench-api.ts';
import { MANIFEST_FILE } from '../models/pipeline/manifest.ts';
import { median } from './metrics.ts';
import { fixed, formatTable, writeResult } from './report.ts';

/**
 * `npm run bench -- inference`: the same photos through Wanwu's worker (onnxruntime-web) and
 * through the same CenterNet on TF.js wasm as Human runs it, alternating, in headless Chromium;
 * then the real app: bytes on a first visit and cold start offline with a warm cache.
 */
const benchPageDir = join(repoRoot, 'bench', 'dist');
const COLD_STARTS = 3;

interface PhotoRuns {
  photo: string;
  wanwu: WanwuRun[];
  tfjs: TfjsRun[];
}

export async function runInference({ runs }: { runs: number }): Promise<void> {
  for (const needed of [join(appDistDir, 'index.html'), join(bundleDir, MANIFEST_FILE)]) {
    if (!existsSync(needed)) throw new Error(`${needed} is missing: run \`npm run build\` first`);
  }
  await build({ configFile: join(repoRoot, 'bench', 'browser', 'vite.config.ts') });
  const names = (await readdir(photosDir)).filter((file) => /\.jpe?g$/i.test(file)).sort();
  const photos = await Promise.all(names.map((name) => readFile(join(photosDir, name))));

  const side = await sideBySide(names, photos, runs);
  const app = await realApp(photos[names.indexOf('dog.jpg')] ?? photos[0]);
  await report(side, app, runs);
}

async function sideBySide(names: string[], photos: Buffer[], runs: number) {
  const server = await startServer({ WANWU_APP_DIR: benchPageDir });
  const browser = await launchBrowser();
  try {
    const page = await browser.context.newPage();
    // An error in the page (a worker that cannot start) would otherwise leave a run waiting forever.
    const crashed = new Promise<never>((_, reject) => page.on('pageerror', (error) => reject(new Error(`The benchmark page failed: ${error.message}`))));
    crashed.catch(() => {});
    const guard = <T>(run: Promise<T>) => Promise.race([run, crashed]);
    await page.goto(server.url);
    await page.waitForSelector('body[data-ready]');
    const setup = await guard(page.evaluate((encoded) => window.wanwuBench.setup(encoded), photos.map((photo) => photo.toString('base64'))));
    const results: PhotoRuns[] = names.map((photo) => ({ photo, wanwu: [], tfjs: [] }));
    // Round 0 warms both runtimes up and is not kept; each round swaps who goes first.
    for (let round = 0; round <= runs; round++) {
      for (let i = 0; i < names.length; i++) {
        const wanwuFirst = (round + i) % 2 === 0;
        const order = wanwuFirst ? (['wanwu', 'tfjs'] as const) : (['tfjs', 'wanwu'] as const);
        for (const runtime of order) {
          const run = await guard<WanwuRun | TfjsRun>(runtime === 'wanwu' ? runWanwu(page, i) : runTfjs(page, i));
          if (round > 0) (results[i][runtime] as unknown[]).push(run);
        }
      }
      process.stdout.write(round === 0 ? 'warm-up done' : ` · round ${round}/${runs}`);
    }
    process.stdout.write('\n');
    return { setup, results };
  } finally {
    await browser.close();
    await server.stop();
  }
}

const runWanwu = (page: Page, i: number) => page.evaluate((photo) => window.wanwuBench.runWanwu(photo), i);
const runTfjs = (page: Page, i: number) => page.evaluate((photo) => window.wanwuBench.runTfjs(photo), i);

/** The real app from a fresh profile: what a first visit downloads, then cold starts offline. */
async function realApp(photo: Buffer) {
  const server = await startServer();
  const browser = await launchBrowser();
  try {
    const { context } = browser;
    const downloads = { total: 0, models: 0, wasm: 0, requests: 0 };
    context.on('requestfinished', async (request) => {
      const response = await request.response();
      // Answers from the service worker's cache cost no network bytes.
      if (!response || response.fromServiceWorker()) return;
      const sizes = await request.sizes();
      // Chromium reports a negative size for an answer from its HTTP cache: nothing crossed the network.
      const bytes = Math.max(0, sizes.responseBodySize) + Math.max(0, sizes.responseHeadersSize);
      const path = new URL(request.url()).pathname;
      downloads.total += bytes;
      downloads.requests++;
      if (path.startsWith('/models/')) downloads.models += bytes;
      if (path.endsWith('.wasm')) downloads.wasm += bytes;
    });
    const first = await context.newPage();
    const visitStarted = performance.now();
    await openApp(first, server.url, 180_000);
    const firstVisitReadyMs = performance.now() - visitStarted;
    await waitForServiceWorkerControl(first);
    await first.waitForLoadState('networkidle');
    await first.close();
    const firstVisit = { ...downloads, readyMs: firstVisitReadyMs };

    await context.setOffline(true);
    const coldStarts: { readyMs: number; firstTagsMs: number }[] = [];
    for (let i = 0; i < COLD_STARTS; i++) {
      const page = await context.newPage();
      const started = performance.now();
      await openApp(page, server.url);
      const readyMs = performance.now() - started;
      const state = await choosePhoto(page, { name: 'photo.jpg', mimeType: 'image/jpeg', buffer: photo });
      if (state !== 'done') throw new Error(`Cold start ${i + 1}: the app ended in state ${state}`);
      await waitForState(page, ['done']);
      await page.getByTestId('tag').first().waitFor();
      coldStarts.push({ readyMs, firstTagsMs: performance.now() - started });
      await page.close();
    }
    return { firstVisit, coldStarts };
  } finally {
    await browser.close();
    await server.stop();
  }
}

/** Medians of one photo's runs (or of all runs pooled); ratios are TF.js over Wanwu. */
function summarise(wanwu: WanwuRun[], tfjs: TfjsRun[]) {
  // Same work as the TF.js side: everything except the classifier, which TF.js does not run.
  const wanwuDetectorPath = median(wanwu.map((r) => r.wallMs - r.timings.classifier));
  const tfjsTotal = median(tfjs.map((r) => r.wallMs));
  const wanwuModel = median(wanwu.map((r) => r.timings.detector));
  const tfjsModel = median(tfjs.map((r) => r.modelMs));
  return {
    wanwuTotal: median(wanwu.map((r) => r.wallMs)),
    wanwuDetectorPath,
    tfjsTotal,
    ratio: tfjsTotal / wanwuDetectorPath,
    wanwuModel,
    tfjsModel,
    modelRatio: tfjsModel / wanwuModel,
    classifier: median(wanwu.map((r) => r.timings.classifier)),
  };
}

async function report(side: { setup: BenchSetup; results: PhotoRuns[] }, app: Awaited<ReturnType<typeof realApp>>, runs: number): Promise<void> {
  const { setup, results } = side;
  const perPhoto = results.map(({ photo, wanwu, tfjs }) => ({ photo, ...summarise(wanwu, tfjs) }));
  const overall = summarise(results.flatMap((r) => r.wanwu), results.flatMap((r) => r.tfjs));
  const ms = (value: number) => fixed(value, 1);
  const ratio = (value: number) => `${fixed(value, 2)}×`;
  const row = (name: string, p: ReturnType<typeof summarise>) =>
    [name, ms(p.wanwuTotal), ms(p.wanwuDetectorPath), ms(p.tfjsTotal), ratio(p.ratio), ms(p.wanwuModel), ms(p.tfjsModel), ratio(p.modelRatio), ms(p.classifier)];
  const { wanwu, tfjs } = setup;
  console.log(`\ninference: ${results.length} photos × ${runs} runs each after one warm-up, alternating, headless Chromium, ${setup.hardwareConcurrency} cores, crossOriginIsolated=${setup.crossOriginIsolated}`);
  console.log(`Wanwu: onnxruntime-web ${wanwu.provider}, ${wanwu.threads} threads, model ${wanwu.version}; TF.js ${tfjs.version} ${tfjs.backend} (as Human runs it), ${tfjs.threads} thread(s), simd=${tfjs.simd}, multithread=${tfjs.multithread}\n`);
  console.log(
    formatTable(
      ['photo', 'Wanwu ms (det+cls)', 'Wanwu ms (detector path)', 'TF.js ms (Human)', 'TF.js / Wanwu', 'Wanwu detector model ms', 'TF.js model ms', 'model ratio', 'classifier ms'],
      [...perPhoto.map((p) => row(p.photo, p)), row('median of all runs', overall)],
    ),
  );
  const mb = (bytes: number) => `${fixed(bytes / 1e6, 2)} MB`;
  const coldMedian = (pick: (c: (typeof app.coldStarts)[number]) => number) => `${ms(median(app.coldStarts.map(pick)))} ms`;
  console.log(`\n${formatTable(['real app', 'value'], [
    ['first visit: bytes downloaded until ready (all requests incl. service worker)', mb(app.firstVisit.total)],
    ['  of which model bundle (/models/)', mb(app.firstVisit.models)],
    ['  of which wasm runtime', mb(app.firstVisit.wasm)],
    ['first visit: page open → models ready', `${ms(app.firstVisit.readyMs)} ms`],
    [`cold start offline, warm cache: open → ready (median of ${app.coldStarts.length})`, coldMedian((c) => c.readyMs)],
    [`cold start offline, warm cache: open → first tags (median of ${app.coldStarts.length})`, coldMedian((c) => c.firstTagsMs)],
    ['load in the bench page: Wanwu worker / TF.js backend + model', `${ms(wanwu.loadMs)} ms / ${ms(tfjs.loadMs)} ms`],
  ])}`);
  const path = await writeResult('inference', { runs, setup, perPhoto, overall, app, raw: results });
  console.log(`\nwritten to ${path}`);
}
