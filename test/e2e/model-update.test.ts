import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Manifest } from '../../models/pipeline/manifest.ts';
import { createModelRegistry, HEAD_FILE } from '../../server/models/registry.ts';
import { openRepository } from '../../server/storage/open-repository.ts';
import type { Repository } from '../../server/storage/repository.ts';
import { bundleDir, photosDir } from '../env.ts';
import { choosePhoto, openApp, shownTags } from './app-page.ts';
import { useAppSession } from './app-session.ts';

/**
 * The app updates itself: a version published on the server reaches a running app in the
 * background, it switches and says what it learned, and a damaged version is refused while the
 * good one keeps recognising.
 */

const TAUGHT = 'text:测试标签';
const EMBEDDING_DIMS = 960;
const UPDATE_MS = 120_000;

const session = useAppSession({ browser: { locale: 'zh-CN' } });
let repository: Repository;

const dog = join(photosDir, 'dog.jpg');

/**
 * Publishes a head that scores the taught tag `logit` (as log-odds) on every photo, and corrects
 * the dog's score down by 12 log-odds: feedback from three people says it is not there.
 */
function publish(runId: string, logit: number): Promise<Manifest> {
  const registry = createModelRegistry({ repository, builtBundleDir: bundleDir, dataDir: session.server.dataDir });
  return registry.publish({
    head: { dims: EMBEDDING_DIMS, tags: [TAUGHT, 'coco:dog'], weights: new Float32Array(EMBEDDING_DIMS * 2), bias: Float32Array.of(logit, -12) },
    tags: [
      { id: TAUGHT, en: 'test tag', zh: '测试标签', threshold: 0.5, taught: true },
      { id: 'coco:dog', en: 'dog', zh: '狗', pinyin: 'gou', threshold: 0.3, correction: { people: 3, baseThreshold: 0.3 } },
    ],
    runId,
  });
}

/** What the device keeps: the model of its latest recognition, and its installed-model choice. */
function stored(page: Page): Promise<{ model: string | null; choice: { active: string; previous: string | null; refused: string[]; failed: string[] } | null }> {
  return page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const open = indexedDB.open('wanwu');
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
    const read = <T>(store: string, query: (s: IDBObjectStore) => IDBRequest) =>
      new Promise<T>((resolve, reject) => {
        const request = query(db.transaction(store).objectStore(store));
        request.onsuccess = () => resolve(request.result as T);
        request.onerror = () => reject(request.error);
      });
    const recognitions = await read<{ model: string }[]>('recognitions', (s) => s.getAll());
    const choice = await read<{ value: never } | undefined>('settings', (s) => s.get('models'));
    db.close();
    return { model: recognitions.at(-1)?.model ?? null, choice: choice?.value ?? null };
  });
}

beforeAll(async () => {
  repository = await openRepository({ dataDir: session.server.dataDir });
});

afterAll(async () => {
  await repository?.close();
});

describe('the app updating its model', () => {
  it('switches to a published version in the background, then refuses a damaged one and keeps working', { timeout: UPDATE_MS * 3 }, async () => {
    const { server, page } = session;
    await openApp(page, `${server.url}/?lang=zh`);
    expect(await choosePhoto(page, dog)).toBe('done');
    const built = (await stored(page)).model;
    expect(built).not.toBeNull();
    expect((await shownTags(page)).map((tag) => tag.id)).not.toContain(TAUGHT);

    const good = await publish('e2e-good', 8);
    // A start looks at the server's manifest: the new version downloads behind the working app.
    await openApp(page, `${server.url}/?lang=zh`);
    const note = page.getByTestId('model-update-note');
    await note.waitFor({ timeout: UPDATE_MS });
    expect(await note.getAttribute('data-version')).toBe(good.version);
    expect(await note.textContent()).toContain('模型已更新：学会了 1 个新标签');

    expect(await choosePhoto(page, dog)).toBe('done');
    expect((await shownTags(page)).map((tag) => tag.id)).toContain(TAUGHT);
    expect(await stored(page)).toMatchObject({ model: good.version, choice: { active: good.version, previous: built } });
    // The correction hides the dog on this photo, and the technical details say who changed it.
    expect((await shownTags(page)).map((tag) => tag.id)).not.toContain('coco:dog');
    await page.getByTestId('details').locator('summary').click();
    const corrected = page.getByTestId('details-corrected').locator('dd[data-tag-id="coco:dog"]');
    expect(await corrected.getAttribute('data-shown')).toBe('false');
    expect(await corrected.textContent()).toMatch(/^现在隐藏，根据 3 人的反馈修正（原模型 \d+%）$/);
    await page.getByTestId('model-update-dismiss').click();
    expect(await note.count()).toBe(0);

    // The next version's head is damaged in the server's store after publishing.
    const damaged = await publish('e2e-damaged', -8);
    const head = damaged.files.find((file) => file.path === HEAD_FILE)!;
    const path = join(server.dataDir, 'models', 'files', head.sha256);
    const bytes = await readFile(path);
    bytes[bytes.length - 1] ^= 0xff;
    await writeFile(path, bytes);

    await openApp(page, `${server.url}/?lang=zh`);
    await expect.poll(async () => (await stored(page)).choice?.refused ?? [], { timeout: UPDATE_MS }).toContain(damaged.version);
    expect(await note.count()).toBe(0);
    expect(await choosePhoto(page, dog)).toBe('done');
    expect((await shownTags(page)).map((tag) => tag.id)).toContain(TAUGHT);
    expect(await stored(page)).toMatchObject({ model: good.version, choice: { active: good.version } });
  });
});
