import type { Locator, Page } from 'playwright-core';

/** The app as the end-to-end tests and benchmarks drive it, through its DOM contract only. */

export type AppState = 'loading' | 'ready' | 'working' | 'done' | 'error';

export interface ShownTag {
  id: string;
  source: string;
  score: number;
  text: string;
}

const app = (page: Page) => page.getByTestId('app');

export async function waitForState(page: Page, states: readonly AppState[], timeout = 60_000): Promise<AppState> {
  const selector = states.map((state) => `[data-testid="app"][data-state="${state}"]`).join(', ');
  await page.locator(selector).waitFor({ timeout });
  return (await app(page).getAttribute('data-state')) as AppState;
}

/** Opens the app and waits until its models are loaded. */
export async function openApp(page: Page, url: string, timeout = 60_000): Promise<void> {
  await page.goto(url, { waitUntil: 'commit' });
  await waitForState(page, ['ready'], timeout);
}

/** After this, the service worker answers the page's requests: the app can be reloaded offline. */
export async function waitForServiceWorkerControl(page: Page): Promise<void> {
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    if (navigator.serviceWorker.controller) return;
    await new Promise<void>((resolve) => navigator.serviceWorker.addEventListener('controllerchange', () => resolve(), { once: true }));
  });
}

/** Chooses a file with the photo picker, as a person would, and waits for the outcome. */
export async function choosePhoto(page: Page, file: string | { name: string; mimeType: string; buffer: Buffer }, timeout = 60_000): Promise<AppState> {
  // Watch `data-state` from before the choice: a result may equal the one already shown.
  await page.evaluate(() => {
    const root = document.querySelector('[data-testid="app"]')!;
    const settled = new Promise<string>((resolve) => {
      new MutationObserver((_, observer) => {
        const state = root.getAttribute('data-state');
        if (state !== 'done' && state !== 'error') return;
        observer.disconnect();
        resolve(state);
      }).observe(root, { attributes: true, attributeFilter: ['data-state'] });
    });
    (window as unknown as { wanwuSettled: Promise<string> }).wanwuSettled = settled;
  });
  await page.getByTestId('photo-input').setInputFiles(file);
  const handle = await page.waitForFunction(() => (window as unknown as { wanwuSettled: Promise<string> }).wanwuSettled, undefined, { timeout });
  return (await handle.jsonValue()) as AppState;
}

export async function shownTags(page: Page): Promise<ShownTag[]> {
  return page.getByTestId('tag').evaluateAll((items) =>
    items.map((item) => ({
      id: item.getAttribute('data-tag-id') ?? '',
      source: item.getAttribute('data-source') ?? '',
      score: Number(item.getAttribute('data-score')),
      text: item.textContent ?? '',
    })),
  );
}

/** A listed tag's row on the result screen, by tag id (`text:…` for a free-text tag). */
export function tagRow(page: Page, id: string): Locator {
  return page.locator(`[data-testid="tag"][data-tag-id="${id}"]`);
}

/** [tag id, data-verdict] of every listed tag, top to bottom; the verdict is '' while there is none. */
export async function verdicts(page: Page): Promise<[string, string][]> {
  return page
    .getByTestId('tag')
    .evaluateAll((items) => items.map((item) => [item.getAttribute('data-tag-id') ?? '', item.getAttribute('data-verdict') ?? ''] as [string, string]));
}
