import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { AdminStatsSchema, type AdminStats } from '../../server/contract/sync.ts';
import { ocrDir, photosDir } from '../env.ts';
import { choosePhoto, openApp, waitForServiceWorkerControl } from './app-page.ts';
import { useAppSession } from './app-session.ts';

/**
 * Reading text in the real app, in Chinese: the switches in Settings, the OCR models downloaded
 * only when a photo is to be read (one that seems to carry text, or any once "read every photo" is
 * on), the lines of a photo whose text the browser itself drew, copied, corrected, and the
 * correction synced to the real server.
 */

const SIGN = '万物识别测试';

const session = useAppSession({ browser: { locale: 'zh-CN' } });

beforeAll(async () => {
  await session.browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: session.server.url });
});

async function stats(): Promise<AdminStats> {
  const { server } = session;
  const response = await fetch(`${server.url}/api/v1/admin/stats`, { headers: { Authorization: `Bearer ${server.adminToken}` } });
  return AdminStatsSchema.parse(await response.json());
}

/**
 * A 900-pixel-wide JPEG of black text on white, drawn by the page in WenQuanYi Zen Hei
 * (fonts-wqy-zenhei), turned by `degrees`; 240 high it is a strip, which looks text-heavy by its shape.
 */
async function signPhoto(
  page: Page,
  text: string,
  { degrees = 0, height = 360 } = {},
): Promise<{ name: string; mimeType: string; buffer: Buffer }> {
  const bytes = await page.evaluate(async ({ text, degrees, height }) => {
    const font = '96px "WenQuanYi Zen Hei"';
    await document.fonts.load(font, text);
    const canvas = document.createElement('canvas');
    canvas.width = 900;
    canvas.height = height;
    const context = canvas.getContext('2d')!;
    context.fillStyle = '#fff';
    context.fillRect(0, 0, canvas.width, canvas.height);
    context.fillStyle = '#000';
    context.font = font;
    context.textAlign = 'center';
    context.textBaseline = 'middle';
    context.translate(450, height / 2);
    context.rotate((degrees * Math.PI) / 180);
    context.fillText(text, 0, 0);
    const blob = await new Promise<Blob>((resolve) => canvas.toBlob((b) => resolve(b!), 'image/jpeg', 0.95));
    return [...new Uint8Array(await blob.arrayBuffer())];
  }, { text, degrees, height });
  return { name: `sign-${degrees}-${height}.jpg`, mimeType: 'image/jpeg', buffer: Buffer.from(bytes) };
}

describe('reading text', () => {
  it('reads a photo that seems to carry text by itself, lets a line be copied and corrected, and syncs the correction', { timeout: 180_000 }, async () => {
    const { server, page } = session;
    const ocrFiles: string[] = [];
    page.on('request', (request) => {
      if (/\/models\/[^/]+\/ocr-/.test(request.url())) ocrFiles.push(new URL(request.url()).pathname);
    });
    const before = await stats();
    await openApp(page, server.url);
    const sign = await signPhoto(page, SIGN, { height: 240 });
    // A lab-results table the classifier takes for a menu (0.84 on the built bundle).
    const table = join(ocrDir, '00018069.jpg');
    const status = () => page.getByTestId('text').getAttribute('data-status');
    const settings = async (): Promise<void> => {
      await page.getByTestId('nav-settings').click();
      await page.getByTestId('read-text-heavy-switch').waitFor();
    };

    // By default only photos that seem to carry text are read.
    await settings();
    const everyPhoto = page.getByTestId('read-text-switch');
    const textHeavy = page.getByTestId('read-text-heavy-switch');
    expect(await everyPhoto.isChecked()).toBe(false);
    expect(await textHeavy.isChecked()).toBe(true);

    // A dog is recognised without reading text, and nothing of OCR is fetched.
    await page.getByTestId('nav-camera').click();
    expect(await choosePhoto(page, join(photosDir, 'dog.jpg'))).toBe('done');
    expect(await status()).toBe('idle');
    await expect.poll(() => page.getByTestId('read-text').textContent()).toBe('读取文字');
    expect(ocrFiles).toEqual([]);

    // With that switch off, text-heavy photos keep the button too.
    await settings();
    await textHeavy.uncheck();
    await page.getByTestId('nav-camera').click();
    for (const photo of [table, sign]) {
      expect(await choosePhoto(page, photo)).toBe('done');
      expect(await status()).toBe('idle');
      await page.getByTestId('read-text').waitFor();
    }
    expect(ocrFiles).toEqual([]);

    // Switched back on: the table is read by itself after its tags, the models' download shown.
    await settings();
    await textHeavy.check();
    await page.getByTestId('nav-camera').click();
    const sawDownload = page.evaluate(
      () =>
        new Promise<boolean>((resolve) => {
          new MutationObserver((_, observer) => {
            const progress = document.querySelector('[data-testid="text-progress"]');
            if (!progress || progress.getAttribute('data-total') === '') return;
            observer.disconnect();
            resolve(Number(progress.getAttribute('data-total')) > 10_000_000);
          }).observe(document.body, { subtree: true, childList: true, attributes: true });
        }),
    );
    expect(await choosePhoto(page, table)).toBe('done');
    await page.locator('[data-testid="text"][data-status="done"]').waitFor({ timeout: 60_000 });
    expect(await sawDownload).toBe(true);
    expect(ocrFiles.sort()).toEqual(expect.arrayContaining([expect.stringMatching(/ocr-detector\.onnx$/), expect.stringMatching(/ocr-recognizer\.onnx$/)]));
    expect(ocrFiles).toHaveLength(4);
    expect(await page.getByTestId('text-line').count()).toBeGreaterThan(5);

    // The sign, a strip, is read by itself too, from the models already here.
    expect(await choosePhoto(page, sign)).toBe('done');
    await page.locator('[data-testid="text"][data-status="done"]').waitFor({ timeout: 60_000 });
    expect(ocrFiles).toHaveLength(4);
    await expect.poll(() => page.locator('#text-title').textContent()).toBe('识别到的文字');
    const inputs = page.getByTestId('text-line-input');
    const lines = await inputs.evaluateAll((items) => items.map((item) => (item as HTMLInputElement).value));
    expect(lines).toEqual([SIGN]);
    expect(await page.getByTestId('text-box').count()).toBe(1);
    const score = Number(await page.getByTestId('text-line').first().getAttribute('data-score'));
    expect(score).toBeGreaterThan(0.5);

    const copy = page.getByTestId('text-copy').first();
    await copy.click();
    await expect.poll(() => copy.textContent()).toBe('已复制');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(SIGN);

    // Edited: Enter keeps the correction, as one event waiting in the outbox.
    await inputs.first().fill('万物识别测验');
    await inputs.first().press('Enter');
    await page.locator('[data-testid="text-line"][data-judged="corrected"]').waitFor();
    expect(await page.getByTestId('text-corrected').textContent()).toContain(SIGN);

    await page.getByTestId('nav-settings').click();
    await page.locator('[data-testid="sync"][data-loaded="true"]').waitFor();
    await page.getByTestId('sync-now').click();
    await page.locator('[data-testid="sync"][data-pending="0"]').waitFor({ timeout: 30_000 });
    expect((await stats()).events).toBe(before.events + 1);

    // "Read every photo" on: the dog is read too, and the text-heavy switch has no say meanwhile.
    await everyPhoto.check();
    expect(await textHeavy.isDisabled()).toBe(true);
    await page.getByTestId('nav-camera').click();
    expect(await choosePhoto(page, join(photosDir, 'dog.jpg'))).toBe('done');
    await page.locator('[data-testid="text"][data-status="done"]').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('read-text').count()).toBe(0);
  });

  it('reads offline after the first time, outlining turned text as a turned box', { timeout: 120_000 }, async () => {
    const { browser, page } = session;
    await waitForServiceWorkerControl(page);
    const photo = await signPhoto(page, SIGN, { degrees: 30 });
    await browser.context.setOffline(true);
    try {
      await page.reload({ waitUntil: 'commit' });
      await page.locator('[data-testid="app"][data-state="ready"]').waitFor({ timeout: 60_000 });
      await page.getByTestId('nav-camera').click();
      expect(await choosePhoto(page, photo)).toBe('done');
      await page.locator('[data-testid="text"][data-status="done"]').waitFor({ timeout: 60_000 });
    } finally {
      await browser.context.setOffline(false);
    }
    const lines = await page.getByTestId('text-line-input').evaluateAll((items) => items.map((item) => (item as HTMLInputElement).value));
    expect(lines).toEqual([SIGN]);
    const corners = (await page.getByTestId('text-box').getAttribute('points'))!.split(' ').map((point) => point.split(',').map(Number));
    // The canvas turned the text 30° clockwise: the box's top edge falls as the text does (tan 30° ≈ 0.58).
    const [[x0, y0], [x1, y1]] = corners;
    expect((y1 - y0) / (x1 - x0)).toBeCloseTo(Math.tan(Math.PI / 6), 1);
  });
});
