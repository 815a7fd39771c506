import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'vite';
import type { CDPSession, Page } from 'playwright-core';
import { launchBrowser, startServer } from '../test/browser.ts';
import { openApp, waitForServiceWorkerControl } from '../test/e2e/app-page.ts';
import { appDistDir, bundleDir, repoRoot } from '../test/env.ts';
import { MANIFEST_FILE } from '../models/pipeline/manifest.ts';
import type { SeedResult } from './browser/store/store-api.ts';
import { STORE_BENCH_BASE } from './browser/store/vite.config.ts';
import { median, percentile } from './metrics.ts';
import { fixed, formatTable, writeResult } from './report.ts';

/**
 * `npm run bench -- store`: the real store (Dexie) and the real app in headless Chromium. A bench
 * page on the app's origin seeds generated photos through the store and times feedback writes;
 * the app, served by the Wanwu server, times its history screen and weighs it, at 1,000 and at
 * 5,000 photos side by side.
 */
const SIZES = [1000, 5000] as const;
const FEEDBACK_WRITES = 200;
const storePageDir = join(repoRoot, 'bench', 'dist', 'store');

interface AtSize {
  photos: number;
  seed: SeedResult;
  firstRenderMs: number[];
  feedbackMs: number[];
}

interface HeapSample {
  heapBytes: number;
  domNodes: number;
}

export async function runStore({ runs }: { runs: number }): Promise<void> {
  for (const needed of [join(appDistDir, 'index.html'), join(bundleDir, MANIFEST_FILE)]) {
    if (!existsSync(needed)) throw new Error(`${needed} is missing: run \`npm run build\` first`);
  }
  await build({ configFile: join(repoRoot, 'bench', 'browser', 'store', 'vite.config.ts') });
  const server = await startServer();
  const browser = await launchBrowser();
  try {
    const bench = await openBenchPage(await browser.context.newPage(), server.url);
    const app = await browser.context.newPage();
    const sizes: AtSize[] = [];
    for (const photos of SIZES) {
      const seed = await bench.evaluate((count) => window.wanwuStoreBench.seed(count), photos - (sizes.at(-1)?.photos ?? 0));
      process.stdout.write(`seeded ${seed.photos} photos in ${fixed(seed.ms / 1000, 1)} s · `);
      if (sizes.length === 0) await openQuietly(app, server.url);
      const firstRenderMs: number[] = [];
      for (let run = 0; run < runs; run++) firstRenderMs.push(await historyFirstRender(app));
      const feedbackMs = await bench.evaluate((count) => window.wanwuStoreBench.writeFeedback(count), FEEDBACK_WRITES);
      process.stdout.write(`measured at ${photos}\n`);
      sizes.push({ photos, seed, firstRenderMs, feedbackMs });
    }
    const memory = await historyMemory(app, await app.context().newCDPSession(app));
    await report(sizes, memory, runs);
  } finally {
    await browser.close();
    await server.stop();
  }
}

/** The bench page, served from its build on the app's own origin, so that both share one IndexedDB. */
async function openBenchPage(page: Page, origin: string): Promise<Page> {
  // Routed on this page only: routing turns the HTTP cache off, and the app keeps its own.
  await page.route(`${origin}${STORE_BENCH_BASE}**`, (route) => {
    const file = new URL(route.request().url()).pathname.slice(STORE_BENCH_BASE.length) || 'index.html';
    return route.fulfill({ path: join(storePageDir, ...file.split('/').filter((part) => part !== '..')) });
  });
  await page.goto(`${origin}${STORE_BENCH_BASE}index.html`);
  await page.waitForSelector('body[data-ready]');
  return page;
}

/** Opens the app and waits until nothing else competes for the CPU: models loaded, service worker installed. */
async function openQuietly(page: Page, origin: string): Promise<void> {
  // tsx compiles this file with esbuild's keepNames: the functions run in the page call its `__name`.
  await page.addInitScript({ content: 'globalThis.__name = (fn) => fn;' });
  await openApp(page, `${origin}/?lang=en`, 180_000);
  await waitForServiceWorkerControl(page);
  await page.waitForLoadState('networkidle');
}

/** From the camera screen: navigate to #/history until the rows on screen show their thumbnails. */
async function historyFirstRender(page: Page): Promise<number> {
  await page.evaluate(() => (location.hash = '#/'));
  await page.getByTestId('history').waitFor({ state: 'detached' });
  return page.evaluate(
    () =>
      new Promise<number>((resolve, reject) => {
        const started = performance.now();
        const check = () => {
          const list = document.querySelector('[data-testid="history-list"]');
          const rows = list?.querySelectorAll('li') ?? [];
          const images = [...(list?.querySelectorAll<HTMLImageElement>('[data-testid="history-item"] img') ?? [])];
          if (rows.length === 0 || images.length < rows.length || !images.every((image) => image.complete && image.naturalWidth > 0)) return;
          const elapsed = performance.now() - started;
          stop();
          resolve(elapsed);
        };
        const observer = new MutationObserver(check);
        const timer = setTimeout(() => (stop(), reject(new Error('The history showed no thumbnails within 30 s'))), 30_000);
        const stop = () => {
          observer.disconnect();
          document.removeEventListener('load', check, true);
          clearTimeout(timer);
        };
        observer.observe(document.body, { childList: true, subtree: true, attributes: true });
        // Images report loading with a `load` event that only capturing listeners see.
        document.addEventListener('load', check, true);
        location.hash = '#/history';
      }),
  );
}

/** JS heap and DOM nodes after a forced garbage collection, as DevTools' Performance panel reads them. */
async function sample(cdp: CDPSession): Promise<HeapSample> {
  await cdp.send('HeapProfiler.collectGarbage');
  const { metrics } = await cdp.send('Performance.getMetrics');
  const metric = (name: string) => metrics.find((m) => m.name === name)?.value ?? NaN;
  return { heapBytes: metric('JSHeapUsedSize'), domNodes: metric('Nodes') };
}

/** The history screen's weight: before it opens, once it shows, after scrolling through every row, and after leaving it. */
async function historyMemory(page: Page, cdp: CDPSession) {
  await cdp.send('Performance.enable');
  await page.evaluate(() => (location.hash = '#/'));
  await page.getByTestId('history').waitFor({ state: 'detached' });
  const camera = await sample(cdp);
  await historyFirstRender(page);
  const opened = await sample(cdp);
  const scroll = await page.evaluate(scrollThrough);
  const scrolled = await sample(cdp);
  await page.evaluate(() => (location.hash = '#/'));
  await page.getByTestId('history').waitFor({ state: 'detached' });
  const left = await sample(cdp);
  return { camera, opened, scrolled, left, ...scroll };
}

/** In the page: one screenful at a time to the end, each time until the rows on screen are loaded. */
async function scrollThrough(): Promise<{ rowsSeen: number; maxRowsInDom: number; steps: number }> {
  const list = document.querySelector<HTMLElement>('[data-testid="history-list"]')!;
  const frame = () => new Promise((resolve) => requestAnimationFrame(resolve));
  const seen = new Set<string>();
  let maxRowsInDom = 0;
  let steps = 0;
  const covered = () => {
    const rows = [...list.querySelectorAll('li')];
    const items = list.querySelectorAll('[data-testid="history-item"]');
    if (rows.length === 0 || items.length < rows.length) return false;
    const top = list.scrollTop;
    const last = rows[rows.length - 1];
    return rows[0].offsetTop <= top && (last.offsetTop + last.offsetHeight >= top + list.clientHeight || !last.nextElementSibling);
  };
  for (let top = 0; top < list.scrollHeight; top += list.clientHeight) {
    list.scrollTop = top;
    steps++;
    do await frame();
    while (!covered());
    for (const item of list.querySelectorAll('[data-testid="history-item"]')) seen.add(item.getAttribute('data-photo-id') ?? '');
    maxRowsInDom = Math.max(maxRowsInDom, list.querySelectorAll('li').length);
  }
  return { rowsSeen: seen.size, maxRowsInDom, steps };
}

async function report(sizes: AtSize[], memory: Awaited<ReturnType<typeof historyMemory>>, runs: number): Promise<void> {
  const ms = (value: number) => `${fixed(value, 1)} ms`;
  const [small, large] = sizes;
  const row = (name: string, pick: (size: AtSize) => number) => [name, ...sizes.map((size) => ms(pick(size))), `${fixed(pick(large) / pick(small), 2)}×`];
  const summary = sizes.map((size) => ({
    photos: size.photos,
    seedMs: size.seed.ms,
    firstRenderMedianMs: median(size.firstRenderMs),
    feedbackMedianMs: median(size.feedbackMs),
    feedbackP99Ms: percentile(size.feedbackMs, 0.99),
  }));
  console.log(`\nstore: the real store (Dexie) and the real app in headless Chromium; ${FEEDBACK_WRITES} feedback writes, ${runs} history renders per size`);
  console.log(`generated photos: ${small.seed.imageBytes} B JPEG image + ${small.seed.thumbnailBytes} B thumbnail, 3 tags, a 480-d embedding; feedback on about half\n`);
  console.log(
    formatTable(
      ['', `${small.photos} photos`, `${large.photos} photos`, `${large.photos} / ${small.photos}`],
      [
        row(`history: #/history → rows on screen with thumbnails (median of ${runs}; target ≤ 300 ms at 5000)`, (s) => median(s.firstRenderMs)),
        row('write one feedback (recordFeedback: feedback + outbox + photo index, one transaction), median', (s) => median(s.feedbackMs)),
        row('write one feedback, p99', (s) => percentile(s.feedbackMs, 0.99)),
      ],
    ),
  );
  const mb = (bytes: number) => `${fixed(bytes / 1e6, 2)} MB`;
  const memoryRow = (name: string, s: HeapSample) => [name, mb(s.heapBytes), String(s.domNodes)];
  console.log(`\nhistory screen at ${large.photos} photos (after a forced GC; ${memory.rowsSeen} rows shown while scrolling in ${memory.steps} screenfuls, at most ${memory.maxRowsInDom} rows in the DOM at once):\n`);
  console.log(
    formatTable(
      ['', 'JS heap used', 'DOM nodes'],
      [
        memoryRow('camera screen, before', memory.camera),
        memoryRow('history, first rows shown', memory.opened),
        memoryRow(`history, after scrolling through all ${large.photos}`, memory.scrolled),
        memoryRow('camera screen, after leaving the history', memory.left),
      ],
    ),
  );
  const path = await writeResult('store', { runs, feedbackWrites: FEEDBACK_WRITES, summary, memory, raw: sizes });
  console.log(`\nwritten to ${path}`);
}
