import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { photosDir } from '../env.ts';
import { choosePhoto, openApp, waitForServiceWorkerControl, waitForState } from './app-page.ts';
import { useAppSession } from './app-session.ts';

/** The history and settings screens of the real app, over photos it recognised and kept itself. */

const session = useAppSession();

const rows = () => session.page.getByTestId('history-item');
const row = (photoId: string) => session.page.locator(`[data-testid="history-item"][data-photo-id="${photoId}"]`);
/** The history's rows, top to bottom: photo id and each tag chip's key and verdict. */
const listed = () =>
  rows().evaluateAll((items) =>
    items
      .sort((a, b) => a.getBoundingClientRect().top - b.getBoundingClientRect().top)
      .map((item) => ({
        id: item.getAttribute('data-photo-id') ?? '',
        tags: Object.fromEntries(
          [...item.querySelectorAll('[data-testid="history-tag"]')].map((chip) => [chip.getAttribute('data-tag-key'), chip.getAttribute('data-verdict')]),
        ),
      })),
  );

async function showHistory(): Promise<void> {
  await session.page.getByRole('link', { name: /^(History|历史)$/ }).click();
  await session.page.locator('[data-testid="history"][data-count]:not([data-count=""])').waitFor();
}

async function search(text: string): Promise<void> {
  await session.page.getByRole('searchbox', { name: /^(Search tags and text|搜索标签和文字)$/ }).fill(text);
}

describe('history', () => {
  let dogId: string;
  let giraffeId: string;

  it('lists every recognised photo newest first, with its tags and their verdicts', async () => {
    const { server, page } = session;
    await openApp(page, `${server.url}/?lang=en`);
    await showHistory();
    await expect.poll(() => page.getByTestId('history-empty').innerText()).toMatch(/No photos yet/);

    await page.getByRole('link', { name: 'Camera' }).click();
    expect(await choosePhoto(page, join(photosDir, 'dog.jpg'))).toBe('done');
    // One tap: every shown tag of the dog photo is right.
    await page.getByTestId('all-correct').click();
    await page.locator('[data-testid="tag"][data-tag-id="coco:dog"][data-verdict="correct"]').waitFor();
    expect(await choosePhoto(page, join(photosDir, 'giraffe.jpg'))).toBe('done');

    await showHistory();
    await expect.poll(async () => (await listed()).length).toBe(2);
    const [first, second] = await listed();
    expect(first.tags).toHaveProperty('coco:giraffe', '');
    expect(second.tags).toHaveProperty('coco:dog', 'correct');
    [giraffeId, dogId] = [first.id, second.id];
    await expect.poll(() => row(dogId).locator('img').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
  });

  it('filters the photos that still need review and finds photos by tag in either language', async () => {
    const { server, page } = session;
    const review = page.getByRole('button', { name: 'Needs review' });
    await review.click();
    expect(await review.getAttribute('aria-pressed')).toBe('true');
    await expect.poll(async () => (await listed()).map((item) => item.id)).toEqual([giraffeId]);
    await review.click();
    await expect.poll(async () => (await listed()).length).toBe(2);

    await search('dog');
    await expect.poll(async () => (await listed()).map((item) => item.id)).toEqual([dogId]);
    await search('unicorn');
    await expect.poll(() => page.getByTestId('history-empty').innerText()).toBe('No photos match.');

    await page.goto(`${server.url}/?lang=zh#/history`);
    await page.locator('[data-testid="history"][data-count="2"]').waitFor();
    await search('狗');
    await expect.poll(async () => (await listed()).map((item) => item.id)).toEqual([dogId]);
    expect(await row(dogId).innerText()).toContain('狗');
  });

  it('opens a photo on the result screen with the verdicts given before', async () => {
    const { page } = session;
    await row(dogId).getByRole('button').first().click();
    await waitForState(page, ['done']);
    expect(await page.evaluate(() => location.hash)).toBe('#/');
    const dog = page.locator('[data-testid="tag"][data-tag-id="coco:dog"]');
    expect(await dog.getAttribute('data-verdict')).toBe('correct');
    expect(await dog.getByRole('button', { name: '正确' }).getAttribute('aria-pressed')).toBe('true');
    // Back goes back to the history, as on any other page.
    await page.goBack();
    await page.getByTestId('history').waitFor();
  });

  it('deletes a photo after asking, and it stays gone after a reload without a network', async () => {
    const { server, browser, page } = session;
    await page.goto(`${server.url}/?lang=en#/history`);
    await expect.poll(async () => (await listed()).length).toBe(2);
    await row(giraffeId).getByRole('button', { name: 'Delete photo' }).click();
    await row(giraffeId).getByRole('button', { name: 'Cancel' }).click();
    expect(await rows().count()).toBe(2);
    await row(giraffeId).getByRole('button', { name: 'Delete photo' }).click();
    await row(giraffeId).getByRole('button', { name: 'Delete', exact: true }).click();
    await expect.poll(async () => (await listed()).map((item) => item.id)).toEqual([dogId]);

    await waitForServiceWorkerControl(page);
    await browser.context.setOffline(true);
    try {
      await page.reload();
      await page.locator('[data-testid="history"][data-count="1"]').waitFor();
      expect((await listed()).map((item) => item.id)).toEqual([dogId]);
      await expect.poll(() => row(dogId).locator('img').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
    } finally {
      await browser.context.setOffline(false);
    }
  });
});

describe('settings', () => {
  it('shows how much the device keeps: space used, photos, feedback waiting to sync', async () => {
    const { page } = session;
    await page.getByRole('link', { name: 'Settings' }).click();
    const settings = page.getByTestId('settings');
    await page.locator('[data-testid="settings"][data-loaded="true"]').waitFor();
    expect(await settings.getByTestId('storage-photos').getAttribute('data-count')).toBe('1');
    // The feedback given in this file has reached the server: nothing waits, and when is shown.
    await settings.locator('[data-testid="sync"][data-pending="0"]').waitFor();
    expect(await settings.getByTestId('sync-last').innerText()).not.toMatch(/Never/);
    expect(Number(await settings.getByTestId('storage-usage').getAttribute('data-usage'))).toBeGreaterThan(0);
    expect(await settings.getByTestId('storage-usage').innerText()).toMatch(/\d+\.\d MB of \d+\.\d MB/);
    expect(await settings.getByTestId('storage-persisted').innerText()).not.toBe('');
  });
});
