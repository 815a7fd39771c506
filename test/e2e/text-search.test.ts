import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, startServer, type LaunchedBrowser, type RunningServer } from '../browser.ts';
import { appDistDir, dataDir } from '../env.ts';
import { choosePhoto, openApp } from './app-page.ts';

/** A photo found again by the text read in it, as the person corrected it; the reading's time in the technical details. */

/** A shop sign of one line (韩国小馆). */
const SIGN = join(dataDir, 'ocr-zh', 'word_1.jpg');
const CORRECTED = 'Seoul Kitchen 首尔厨房';

let server: RunningServer;
let browser: LaunchedBrowser;
let page: Page;

beforeAll(async () => {
  if (!existsSync(join(appDistDir, 'index.html'))) throw new Error(`No built app in ${appDistDir}: run \`npm run build\` first`);
  [server, browser] = await Promise.all([startServer(), launchBrowser()]);
  page = await browser.context.newPage();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

const historyIds = () =>
  page.getByTestId('history-item').evaluateAll((items) => items.map((item) => item.getAttribute('data-photo-id')));

async function search(text: string): Promise<void> {
  await page.getByRole('searchbox', { name: 'Search tags and text' }).fill(text);
}

describe('text read in a photo', () => {
  let read: string;

  it('shows how long reading took in the technical details', { timeout: 120_000 }, async () => {
    await openApp(page, `${server.url}/?lang=en`);
    expect(await choosePhoto(page, SIGN)).toBe('done');
    const text = page.getByTestId('text');
    // Read by itself where the settings say so, else at a tap.
    if ((await text.getAttribute('data-status')) === 'idle') await page.getByTestId('read-text').click();
    await page.locator('[data-testid="text"][data-status="done"]').waitFor({ timeout: 90_000 });

    await page.getByTestId('details').locator('summary').click();
    const time = page.getByTestId('details-text-ms');
    expect(Number(await time.getAttribute('data-ms'))).toBeGreaterThan(0);
    expect(await time.innerText()).toMatch(/\d ms$/);
    expect(await page.getByTestId('details').innerText()).toMatch(/Reading text\s+[\d.,]+ ms/);

    const lines = await page.getByTestId('text-line-input').evaluateAll((items) => items.map((item) => (item as HTMLInputElement).value));
    expect(lines).toHaveLength(1);
    read = lines[0];
  });

  it('finds the photo in history by its corrected text, full- and half-width alike, and no longer by the words corrected away', async () => {
    const input = page.getByTestId('text-line-input').first();
    await input.fill(CORRECTED);
    await input.press('Enter');
    await page.locator('[data-testid="text-line"][data-judged="corrected"]').waitFor();

    await page.getByTestId('nav-history').click();
    await page.locator('[data-testid="history"][data-count="1"]').waitFor();
    const [photoId] = await historyIds();

    // Full-width letters find the half-width correction; the row shows the line that matched.
    await search('ｓｅｏｕｌ ｋｉｔ');
    await expect.poll(() => page.getByTestId('history-text').innerText()).toContain(CORRECTED);
    expect(await historyIds()).toEqual([photoId]);
    await search('厨房');
    await expect.poll(historyIds).toEqual([photoId]);

    await search(read);
    await expect.poll(() => page.getByTestId('history-empty').innerText()).toBe('No photos match.');
  });
});
