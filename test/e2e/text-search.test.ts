import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ocrDir } from '../env.ts';
import { choosePhoto, openApp } from './app-page.ts';
import { useAppSession } from './app-session.ts';

/** A photo found again by the text read in it, as the person corrected it; the reading's time in the technical details. */

/** A shop sign of one line (韩国小馆). */
const SIGN = join(ocrDir, 'word_1.jpg');
const CORRECTED = 'Seoul Kitchen 首尔厨房';

const session = useAppSession();

const historyIds = () =>
  session.page.getByTestId('history-item').evaluateAll((items) => items.map((item) => item.getAttribute('data-photo-id')));

async function search(text: string): Promise<void> {
  await session.page.getByRole('searchbox', { name: 'Search tags and text' }).fill(text);
}

describe('text read in a photo', () => {
  let read: string;

  it('shows how long reading took in the technical details', { timeout: 120_000 }, async () => {
    const { server, page } = session;
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
    const { page } = session;
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
