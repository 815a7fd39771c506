import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { photosDir } from '../env.ts';
import { choosePhoto, openApp, shownTags, waitForServiceWorkerControl, waitForState, type ShownTag } from './app-page.ts';
import { useBrowser, useServer } from './app-session.ts';

/** The real app, served by the real server, in headless Chromium, recognising with the real models. */

const photo = (name: string) => join(photosDir, name);
/** SwiftShader runs WebGPU on the CPU, ~25× slower than WASM: correctness only, generous limits. */
const SWIFTSHADER_MS = 240_000;

const session = useServer();
/** dog.jpg as the WASM run tagged it, for the WebGPU run to match. */
let wasmDogTags: ShownTag[] | undefined;

async function boxesFor(page: Page, tagId: string): Promise<number> {
  return page.locator(`[data-testid="box"][data-tag-id="${tagId}"]`).count();
}

describe('the app in Chromium with WASM', () => {
  const wasm = useBrowser();

  it('tags dog.jpg with "dog" and draws a box around it', async () => {
    const { server } = session;
    const { page } = wasm;
    await openApp(page, `${server.url}/?lang=en`);
    expect(await choosePhoto(page, photo('dog.jpg'))).toBe('done');
    const tags = await shownTags(page);
    const dog = tags.find((tag) => tag.id === 'coco:dog');
    expect(dog?.text).toContain('dog');
    expect(dog?.source).toBe('detector');
    expect(await boxesFor(page, 'coco:dog')).toBeGreaterThanOrEqual(1);
    expect(await page.getByTestId('details').getAttribute('data-provider')).toBe('wasm');
    wasmDogTags = tags;
  });

  it('names tags in the language of ?lang=', async () => {
    const { server } = session;
    const { page } = wasm;
    await openApp(page, `${server.url}/?lang=zh`);
    expect(await page.evaluate(() => document.documentElement.lang)).toMatch(/^zh/);
    await choosePhoto(page, photo('dog.jpg'));
    const dog = (await shownTags(page)).find((tag) => tag.id === 'coco:dog');
    expect(dog?.text).toContain('狗');
    expect(dog?.text).not.toContain('dog');

    await openApp(page, `${server.url}/?lang=en`);
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
    await choosePhoto(page, photo('dog.jpg'));
    expect((await shownTags(page)).find((tag) => tag.id === 'coco:dog')?.text).toContain('dog');
  });

  it('explains a file that is not a photo and a damaged photo, and keeps working', async () => {
    const { server } = session;
    const { page } = wasm;
    await openApp(page, `${server.url}/?lang=en`);
    const text = { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('a shopping list, not a photo\n') };
    expect(await choosePhoto(page, text)).toBe('error');
    await expect.poll(() => page.getByRole('alert').getAttribute('data-code')).toBe('not-an-image');
    expect(await page.getByRole('alert').innerText()).not.toBe('');

    const dog = await readFile(photo('dog.jpg'));
    const truncated = { name: 'cut.jpg', mimeType: 'image/jpeg', buffer: dog.subarray(0, Math.floor(dog.length * 0.4)) };
    expect(await choosePhoto(page, truncated)).toBe('error');
    expect(await page.getByRole('alert').getAttribute('data-code')).toBe('corrupt-image');

    expect(await choosePhoto(page, photo('horses.jpg'))).toBe('done');
    expect(await page.getByRole('alert').count()).toBe(0);
    expect((await shownTags(page)).map((tag) => tag.id)).toContain('coco:horse');
  });

  it('replaces a damaged model in its cache by downloading it again', async () => {
    const { server } = session;
    const { page } = wasm;
    await openApp(page, `${server.url}/?lang=en`);
    // Flip bytes of the cached detector, as a storage fault or an interrupted write would.
    const damaged = await page.evaluate(async () => {
      const cache = await caches.open('wanwu-models');
      const request = (await cache.keys()).find((key) => key.url.endsWith('/detector.onnx'));
      if (!request) return null;
      const bytes = new Uint8Array(await (await cache.match(request))!.arrayBuffer());
      bytes.fill(0, 0, 4096);
      await cache.put(request, new Response(bytes));
      return request.url;
    });
    expect(damaged, 'the detector was cached on the first visit').not.toBeNull();
    await openApp(page, `${server.url}/?lang=en`);
    expect(await choosePhoto(page, photo('dog.jpg'))).toBe('done');
    expect((await shownTags(page)).map((tag) => tag.id)).toContain('coco:dog');
  });
});

describe('the app in Chromium with WebGPU (SwiftShader)', () => {
  const gpu = useBrowser({ webgpu: true });

  it('gives the same top tags as WASM', { timeout: SWIFTSHADER_MS * 2 }, async () => {
    if (!wasmDogTags) throw new Error('The WASM run of dog.jpg did not complete; it is the reference for this test');
    const { server } = session;
    const { page } = gpu;
    await openApp(page, `${server.url}/?lang=en`, SWIFTSHADER_MS);
    expect(await choosePhoto(page, photo('dog.jpg'), SWIFTSHADER_MS)).toBe('done');
    expect(await page.getByTestId('details').getAttribute('data-provider')).toBe('webgpu');
    const top = (tags: ShownTag[]) => tags.slice(0, 3);
    const webgpu = top(await shownTags(page));
    const wasm = top(wasmDogTags);
    expect(webgpu.map((tag) => tag.id)).toEqual(wasm.map((tag) => tag.id));
    webgpu.forEach((tag, i) => expect(Math.abs(tag.score - wasm[i].score)).toBeLessThanOrEqual(0.02));
  });
});

describe('the app offline, after one online visit', () => {
  const offline = useBrowser();

  it('loads and recognises with the network off and the server gone', async () => {
    const { server } = session;
    const { browser, page } = offline;
    await openApp(page, `${server.url}/?lang=en`);
    await waitForServiceWorkerControl(page);
    await browser.context.setOffline(true);
    // Nothing can answer but the service worker and the caches it filled.
    await server.stop();
    await page.reload({ waitUntil: 'commit' });
    await waitForState(page, ['ready']);
    expect(await choosePhoto(page, photo('bus.jpg'))).toBe('done');
    const bus = () => shownTags(page).then((tags) => tags.find((tag) => tag.id === 'coco:bus'));
    expect((await bus())?.text).toContain('bus');
    // The language switch works offline too.
    await page.getByTestId('lang').click();
    await expect.poll(async () => (await bus())?.text).toContain('公共汽车');
  });
});
