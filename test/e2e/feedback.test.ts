import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import jpeg from 'jpeg-js';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { photosDir } from '../env.ts';
import { jpegMetadataSegments } from '../../models/pipeline/jpeg-metadata.ts';
import { exifWithGps, includesBytes, insertAfterSoi } from '../jpeg-fixture.ts';
import { choosePhoto, openApp, shownTags, tagRow, verdicts, waitForServiceWorkerControl } from './app-page.ts';
import { useAppSession } from './app-session.ts';

/** Feedback on the result screen of the real app, in Chinese, kept in the browser's own IndexedDB. */

const session = useAppSession({ browser: { locale: 'zh-CN' } });

/** dog.jpg as a phone would hand it over: with EXIF and the place it was taken. */
const gps = exifWithGps(1);
async function dogWithGps(): Promise<{ name: string; mimeType: string; buffer: Buffer }> {
  const bytes = insertAfterSoi(await readFile(join(photosDir, 'dog.jpg')), gps.segment);
  return { name: 'dog.jpg', mimeType: 'image/jpeg', buffer: Buffer.from(bytes) };
}

/** The bytes of every photo the app keeps, read straight from its IndexedDB. */
async function storedPhotos(page: Page): Promise<Uint8Array[]> {
  const photos = await page.evaluate(
    () =>
      new Promise<number[][]>((resolve, reject) => {
        const open = indexedDB.open('wanwu');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const all = open.result.transaction('photos').objectStore('photos').getAll();
          all.onerror = () => reject(all.error);
          all.onsuccess = async () => {
            const rows = all.result as { image: Blob | null }[];
            resolve(await Promise.all(rows.map(async (row) => [...new Uint8Array(await row.image!.arrayBuffer())])));
            open.result.close();
          };
        };
      }),
  );
  return photos.map((bytes) => Uint8Array.from(bytes));
}

/** dog.jpg mirrored left to right: other bytes, another photo id, the same scene. */
async function mirroredDog(): Promise<{ name: string; mimeType: string; buffer: Buffer }> {
  const { width, height, data } = jpeg.decode(await readFile(join(photosDir, 'dog.jpg')), { useTArray: true });
  const pixels = new Uint32Array(data.buffer, data.byteOffset, width * height);
  for (let y = 0; y < height; y++) pixels.subarray(y * width, (y + 1) * width).reverse();
  return { name: 'dog-mirrored.jpg', mimeType: 'image/jpeg', buffer: jpeg.encode({ width, height, data }, 90).data };
}

const background = (page: Page, selector: string) =>
  page.locator(selector).evaluate((element) => getComputedStyle(element).backgroundColor);

describe('feedback on the result screen', () => {
  /** The tag marked wrong on dog.jpg, which a near copy must then not show. */
  let wrongId: string;

  it('takes a verdict per tag with undo, confirms the rest in one tap, and adds a new tag', async () => {
    const { server, page } = session;
    await openApp(page, `${server.url}/?lang=zh`);
    expect(await choosePhoto(page, await dogWithGps())).toBe('done');
    const tags = await shownTags(page);
    expect(tags.map((tag) => tag.id)).toContain('coco:dog');
    const second = tags.find((tag) => tag.id !== 'coco:dog');
    expect(second, 'dog.jpg shows a second tag to mark wrong').toBeDefined();
    wrongId = second!.id;

    // Nothing on dog.jpg is worth a quick question (test/integration/quick-question.test.ts says why).
    expect(await page.getByTestId('quick-question').count()).toBe(0);

    const wrongRow = tagRow(page, wrongId);
    const wrong = wrongRow.getByRole('button', { name: '错误', exact: true });
    const unpressed = await background(page, `[data-testid="tag"][data-tag-id="${wrongId}"] button[aria-label="错误"]`);
    await wrong.click();
    await page.locator(`[data-testid="tag"][data-tag-id="${wrongId}"][data-verdict="wrong"]`).waitFor();
    expect(await wrong.getAttribute('aria-pressed')).toBe('true');
    expect(await background(page, `[data-testid="tag"][data-tag-id="${wrongId}"] button[aria-label="错误"]`)).not.toBe(unpressed);

    // The toast's undo takes the verdict back…
    const toast = page.getByTestId('undo-toast');
    await toast.getByRole('button', { name: '撤销', exact: true }).click();
    await page.locator(`[data-testid="tag"][data-tag-id="${wrongId}"][data-verdict=""]`).waitFor();
    expect(await wrong.getAttribute('aria-pressed')).toBe('false');
    // …and so does pressing the pressed button again.
    await wrong.click();
    await page.locator(`[data-testid="tag"][data-tag-id="${wrongId}"][data-verdict="wrong"]`).waitFor();
    await wrong.click();
    await page.locator(`[data-testid="tag"][data-tag-id="${wrongId}"][data-verdict=""]`).waitFor();
    await wrong.click();
    await page.locator(`[data-testid="tag"][data-tag-id="${wrongId}"][data-verdict="wrong"]`).waitFor();

    // Focusing a tag lights its boxes and dims the others'.
    await tagRow(page, 'coco:dog').getByRole('button', { name: '正确', exact: true }).focus();
    await page.locator('[data-testid="box"][data-tag-id="coco:dog"][data-highlighted="true"]').first().waitFor();

    await page.getByRole('button', { name: '全部正确', exact: true }).click();
    await expect
      .poll(async () => (await verdicts(page)).filter(([id]) => id !== wrongId).every(([, verdict]) => verdict === 'correct'))
      .toBe(true);
    expect(Object.fromEntries(await verdicts(page))[wrongId]).toBe('wrong');

    const input = page.getByRole('combobox', { name: '添加标签', exact: true });
    // Pinyin finds the vocabulary: "mao" offers 猫.
    await input.fill('mao');
    await page.locator('[role="option"][data-tag-key="coco:cat"]', { hasText: '猫' }).waitFor();
    await input.fill('金毛');
    // The vocabulary's golden retriever is offered, but Enter without choosing it adds the text as typed.
    await page.getByRole('option').first().waitFor();
    await input.press('Enter');
    const added = page.locator('[data-testid="tag"][data-source="user"]', { hasText: '金毛' });
    await added.waitFor();
    expect(await added.getAttribute('data-verdict')).toBe('correct');
    expect(await input.inputValue()).toBe('');
  });

  it('keeps both verdicts through an offline reload, and keeps the photo without its metadata', async () => {
    const { browser, page } = session;
    await waitForServiceWorkerControl(page);
    await browser.context.setOffline(true);
    try {
      await page.reload({ waitUntil: 'commit' });
      await page.getByRole('link', { name: '历史', exact: true }).click();
      const item = page.getByTestId('history-item');
      await item.first().waitFor();
      expect(await item.count()).toBe(1);
      const chip = (key: string) => item.locator(`[data-testid="history-tag"][data-tag-key="${key}"]`);
      expect(await chip(wrongId).getAttribute('data-verdict')).toBe('wrong');
      expect(await chip('text:金毛').getAttribute('data-verdict')).toBe('correct');

      const [stored] = await storedPhotos(page);
      expect(jpegMetadataSegments(stored)).toEqual([]);
      expect(includesBytes(stored, gps.latitude)).toBe(false);
      await page.getByRole('link', { name: '拍照', exact: true }).click();
    } finally {
      await browser.context.setOffline(false);
    }
  });

  it('suggests what was learnt on a near copy at once: 金毛 as a personal tag, the wrong tag hidden', async () => {
    const { page } = session;
    expect(await choosePhoto(page, await mirroredDog())).toBe('done');
    const personal = page.locator('[data-testid="tag"][data-source="personal"]', { hasText: '金毛' });
    await personal.waitFor();
    expect(await personal.innerText()).toContain('来自你的纠正');
    const shown = (await shownTags(page)).map((tag) => tag.id);
    expect(shown).toContain('coco:dog');
    expect(shown).not.toContain(wrongId);
    // A personal tag is judged like any other.
    await personal.getByRole('button', { name: '正确', exact: true }).click();
    await page.locator('[data-testid="tag"][data-source="personal"][data-verdict="correct"]', { hasText: '金毛' }).waitFor();
  });

  it('asks at most one quick question, where the answer is worth most: skipped, it asks nothing else; answered, it is a verdict', async () => {
    const { page } = session;
    const question = page.getByTestId('quick-question');
    expect(await choosePhoto(page, join(photosDir, 'scream.jpg'))).toBe('done');
    expect(await question.count()).toBe(0);

    expect(await choosePhoto(page, join(photosDir, 'kite.jpg'))).toBe('done');
    expect(await question.getAttribute('data-tag-id')).toBe('coco:surfboard');
    expect(await question.innerText()).toMatch(/^这是冲浪板吗？/);
    await question.getByRole('button', { name: '不确定', exact: true }).click();
    await question.waitFor({ state: 'detached' });
    expect((await verdicts(page)).filter(([, verdict]) => verdict !== '')).toEqual([]);

    expect(await choosePhoto(page, join(photosDir, 'eagle.jpg'))).toBe('done');
    expect(await question.getAttribute('data-tag-id')).toBe('imagenet:vulture');
    await question.getByRole('button', { name: '是', exact: true }).click();
    await question.waitFor({ state: 'detached' });
    await page.locator('[data-testid="tag"][data-tag-id="imagenet:vulture"][data-verdict="correct"]').waitFor();
  });
});

describe('feedback where the browser keeps no data', () => {
  it('still shows the result, says why feedback cannot be kept, and stays usable', async () => {
    const { server, browser } = session;
    const blocked = await browser.context.newPage();
    // As in a browser that refuses storage: no IndexedDB at all.
    await blocked.addInitScript(() => Object.defineProperty(window, 'indexedDB', { value: undefined }));
    await openApp(blocked, `${server.url}/?lang=en`);
    expect(await choosePhoto(blocked, join(photosDir, 'horses.jpg'))).toBe('done');
    expect((await shownTags(blocked)).map((tag) => tag.id)).toContain('coco:horse');
    const alert = blocked.getByTestId('storage-error');
    expect(await alert.getAttribute('data-code')).toBe('storage-unavailable');
    expect(await alert.innerText()).toMatch(/feedback can't be kept/);
    expect(await tagRow(blocked, 'coco:horse').getByRole('button', { name: 'Correct', exact: true }).isDisabled()).toBe(true);
    expect(await choosePhoto(blocked, join(photosDir, 'giraffe.jpg'))).toBe('done');
    await blocked.close();
  });
});
