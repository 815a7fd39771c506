import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { ManifestSchema } from '../../models/pipeline/manifest.ts';
import { AdminConsensusSchema, type AdminConsensus } from '../../server/contract/admin.ts';
import type { FeedbackEvent } from '../../server/contract/feedback-event.ts';
import { DeviceRegistrationSchema, SyncResponseSchema } from '../../server/contract/sync.ts';
import { AdminTrainingSchema } from '../../server/contract/training.ts';
import { openRepository } from '../../server/storage/open-repository.ts';
import { startServer } from '../browser.ts';
import { storeConsensus, storeLabelledPhotos, writeBuiltBundle } from '../training-fixture.ts';
import { useAppSession } from './app-session.ts';

/**
 * The admin dashboard against the real server: three devices answer through the real sync API,
 * one of them always the opposite of the truth; consensus runs; the admin unlocks the dashboard,
 * sees the charts and the quarantined device with its reason, and releases it. Then, on a server
 * whose people taught it new tags, the admin approves one and renames the other, trains a model,
 * sees it published, and rolls back.
 */

const PHOTOS = 40;
const TAGS = ['coco:dog', 'coco:cat', 'coco:car'];
/** Well apart, as a person answers: no device looks like a fast bot. */
const ANSWER_GAP_MS = 20_000;

const session = useAppSession();

const photoId = (index: number) => index.toString(16).padStart(64, 'a');
/** A fixed, mixed truth: every tag present on some photos and absent on others. */
const present = (photo: number, tag: number) => (photo * 7 + tag * 3) % 5 < 2;

async function api<T>(path: string, init: RequestInit, parse: (body: unknown) => T, on = session.server): Promise<T> {
  const response = await fetch(`${on.url}/api/v1${path}`, init);
  if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  return parse(await response.json());
}

const admin = (method = 'GET', on = session.server) => ({ method, headers: { Authorization: `Bearer ${on.adminToken}` } });

/** Photo 0 has a dog, which the model was sure is not there: a hard example whose audit the admin opens. */
const MISSED = { photo: 0, tag: 0, score: 0.02 };

/** Registers a device and syncs its verdict on every (photo, tag); `honest` false answers the opposite. */
async function device(honest: boolean, start: number, gapMs = ANSWER_GAP_MS): Promise<string> {
  const { deviceId, token } = await api('/devices', { method: 'POST' }, (body) => DeviceRegistrationSchema.parse(body));
  const events: FeedbackEvent[] = [];
  for (let photo = 0; photo < PHOTOS; photo += 1) {
    TAGS.forEach((id, tag) => {
      const truth = present(photo, tag);
      events.push({
        id: crypto.randomUUID(),
        type: 'tag-verdict',
        photoId: photoId(photo),
        model: 'e2e-model',
        at: new Date(start + events.length * gapMs).toISOString(),
        tag: { id },
        verdict: truth === honest ? 'correct' : 'wrong',
        score: photo === MISSED.photo && tag === MISSED.tag ? MISSED.score : 0.5,
        origin: 'detector',
      });
    });
  }
  const answer = await api(
    '/sync',
    { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: JSON.stringify({ events }) },
    (body) => SyncResponseSchema.parse(body),
  );
  expect(answer.accepted).toHaveLength(events.length);
  return deviceId;
}

const consensus = (): Promise<AdminConsensus> => api('/admin/consensus', admin(), (body) => AdminConsensusSchema.parse(body));

/** Opens the dashboard as a person would: Settings, then its link. */
async function openDashboard(page: Page, on = session.server): Promise<void> {
  await page.goto(`${on.url}/?lang=en#/settings`, { waitUntil: 'commit' });
  await page.getByTestId('admin-link').click();
  await page.locator('[data-testid="admin"][data-state="locked"]').waitFor();
}

async function unlock(page: Page, token: string): Promise<void> {
  await page.getByTestId('admin-token').fill(token);
  await page.getByTestId('admin-unlock').click();
  await page.locator('[data-testid="admin"][data-busy=""]').waitFor();
}

describe('admin dashboard', () => {
  it('finds the adversary by consensus, shows why, and lets the admin release it', { timeout: 180_000 }, async () => {
    const start = Date.UTC(2025, 0, 1);
    await device(true, start);
    await device(true, start + 1000);
    const adversary = await device(false, start + 2000);
    await api('/admin/aggregate', admin('POST'), (body) => body);
    const found = (await consensus()).devices.find((row) => row.deviceId === adversary);
    expect(found?.status).toBe('quarantined');

    const { server, page } = session;
    // A phone's screen.
    await page.setViewportSize({ width: 390, height: 844 });
    await openDashboard(page);

    await unlock(page, 'not-the-admin-token');
    expect(await page.getByTestId('admin-error').getAttribute('data-code')).toBe('unauthorized');
    expect(await page.getByTestId('admin').getAttribute('data-state')).toBe('locked');
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);

    await unlock(page, server.adminToken);
    await page.locator('[data-testid="admin"][data-state="unlocked"]').waitFor();
    expect(await page.getByTestId('admin-error').count()).toBe(0);
    expect(await page.getByTestId('admin-run').getAttribute('data-last-run')).not.toBe('');

    // The charts are drawn by the chart library on real canvases.
    for (const chart of ['chart-feedback', 'chart-tags', 'chart-devices']) {
      await page.locator(`[data-testid="${chart}"][data-drawn="true"]`).waitFor();
      const size = await page.locator(`[data-testid="${chart}"] canvas`).evaluate((canvas: HTMLCanvasElement) => canvas.width * canvas.height);
      expect(size).toBeGreaterThan(0);
    }
    expect(await page.getByTestId('tag-quality-row').count()).toBeGreaterThan(0);
    // Today's usage: every answer of the three devices, and each of them against its own limits.
    expect(await page.getByTestId('usage-events').innerText()).toBe(String(3 * PHOTOS * TAGS.length));
    expect(await page.getByTestId('usage-device').count()).toBe(3);
    await page.getByTestId('alerts-none').waitFor();
    // Nothing is wider than the phone.
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);

    // The hard example opens how consensus labelled it: the adversary's answer is there, set aside.
    const hard = page.locator(`[data-testid="hard-example"][data-photo-id="${photoId(MISSED.photo)}"]`);
    await hard.getByTestId('open-audit').click();
    const audit = page.getByTestId('photo-audit');
    await audit.waitFor();
    const dog = audit.locator(`[data-testid="audit-tag"][data-tag-key="${TAGS[MISSED.tag]}"]`);
    expect(await dog.getByTestId('audit-model').innerText()).toMatch(/^2\s?% → /);
    expect(await dog.locator('[data-testid="audit-answer"][data-status="active"]').count()).toBe(2);
    expect(await dog.locator(`[data-testid="audit-answer"][data-device-id="${adversary}"]`).getAttribute('data-status')).toBe('quarantined');
    for (const control of [hard.getByTestId('open-audit'), audit.getByTestId('audit-close')]) {
      expect((await control.boundingBox())?.height).toBeGreaterThanOrEqual(44);
    }
    await audit.getByTestId('audit-close').click();
    await audit.waitFor({ state: 'detached' });

    const row = page.locator(`[data-testid="quarantined-device"][data-device-id="${adversary}"]`);
    expect(await row.getAttribute('data-reason')).toBe(found?.reason);
    expect(await row.getByTestId('quarantine-reason').innerText()).not.toBe('');
    await row.getByTestId('release').click();
    await row.waitFor({ state: 'detached' });
    expect((await consensus()).devices.find((device) => device.deviceId === adversary)?.status).toBe('active');

    // The token stays for this tab (a reload needs no password), and only in sessionStorage.
    await page.reload({ waitUntil: 'commit' });
    await page.locator('[data-testid="admin"][data-state="unlocked"]').waitFor();
    const stored = await page.evaluate(async () => {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const request = indexedDB.open('wanwu');
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
      const tables = [...db.objectStoreNames];
      const rows = await Promise.all(
        tables.map(
          (name) =>
            new Promise<unknown[]>((resolve) => {
              const request = db.transaction(name).objectStore(name).getAll();
              request.onsuccess = () => resolve(request.result);
            }),
        ),
      );
      return JSON.stringify(rows);
    });
    expect(stored).not.toContain(server.adminToken);

    // Three fast bots join: quarantining them would set aside half of the devices, so the rule
    // alerts the admin instead, naming each bot with the release and ban actions.
    const bots = [await device(true, start + 3000, 100), await device(true, start + 4000, 100), await device(true, start + 5000, 100)];
    await api('/admin/aggregate', admin('POST'), (body) => body);
    await page.getByTestId('admin-refresh').click();
    const alert = page.locator('[data-testid="alert"][data-rule="too-fast"]');
    await alert.waitFor();
    expect(await alert.getByTestId('alert-evidence').innerText()).toContain('would set aside 3 of the 6');
    const named = alert.locator(`[data-testid="alert-device"][data-device-id="${bots[0]}"]`);
    expect(await alert.getByTestId('alert-device').count()).toBe(3);
    await named.getByTestId('ban').click();
    await page.locator('[data-testid="admin"][data-busy=""]').waitFor();
    expect((await consensus()).devices.find((row) => row.deviceId === bots[0])?.status).toBe('banned');
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
  });

  it('approves and renames taught tags, trains on them, shows the run published and the new version current, and rolls back', { timeout: 180_000 }, async () => {
    // A server whose built bundle is the fixture's (its embeddings' width), with people's labels on two taught tags.
    const dir = await mkdtemp(join(tmpdir(), 'wanwu-e2e-training-'));
    const bundleDir = join(dir, 'bundle');
    const dataDir = join(dir, 'data');
    writeBuiltBundle(bundleDir, 'b1');
    const repository = await openRepository({ dataDir });
    await storeConsensus(repository, await storeLabelledPhotos(repository, { count: 160 }));
    await repository.close();
    // The schedule would train on these labels by itself: only the admin's button may start this run.
    const trainer = await startServer({ WANWU_DATA: dataDir, WANWU_BUNDLE_DIR: bundleDir, WANWU_TRAIN_MIN_LABELS: '1000000' });
    const currentVersion = () => api('/models/current', {}, (body) => ManifestSchema.parse(body).version, trainer);
    try {
      expect(await currentVersion()).toBe('b1');
      const page = await session.browser.context.newPage();
      // A phone's screen.
      await page.setViewportSize({ width: 390, height: 844 });
      await openDashboard(page, trainer);
      await unlock(page, trainer.adminToken);
      await page.locator('[data-testid="admin"][data-state="unlocked"]').waitFor();
      await page.getByTestId('training-runs-none').waitFor();
      const builtRow = page.locator('[data-testid="model-version"][data-version="b1"]');
      expect(await builtRow.getAttribute('data-current')).toBe('true');

      // New tags wait for the admin (the default policy): approve one, rename the other.
      expect(await page.getByTestId('taught-policy').getAttribute('data-policy')).toBe('approval');
      const golden = page.locator('[data-testid="taught-tag"][data-tag-key="text:金毛"]');
      expect(await golden.getAttribute('data-held-back')).toBe('awaiting-approval');
      expect(await golden.innerText()).toContain('taught by 3 trusted of 4 devices');
      for (const button of await golden.getByRole('button').all()) expect((await button.boundingBox())!.height).toBeGreaterThanOrEqual(44);
      await golden.getByTestId('taught-refuse').click();
      await page.locator('[data-testid="taught-tag"][data-tag-key="text:金毛"][data-decision="refused"]').waitFor();
      await golden.getByTestId('taught-approve').click();
      await page.locator('[data-testid="taught-tag"][data-tag-key="text:金毛"][data-decision="approved"][data-held-back=""]').waitFor();
      const catTree = page.locator('[data-testid="taught-tag"][data-tag-key="text:cat tree"]');
      await catTree.getByTestId('taught-rename').click();
      await catTree.getByTestId('taught-new-name').fill('Cat Tower');
      await catTree.getByTestId('taught-save').click();
      await catTree.waitFor({ state: 'detached' });
      // The labels follow the new name from the next consensus run on.
      await page.getByTestId('admin-run-now').click();
      await page.locator('[data-testid="taught-tag"][data-tag-key="text:cat tower"][data-decision="approved"]').waitFor();
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);

      await page.getByTestId('train-now').click();
      const published = page.locator('[data-testid="training-run"][data-status="published"]');
      await published.waitFor({ timeout: 120_000 });
      await page.locator('[data-testid="training"][data-running="false"]').waitFor();
      const [run] = (await api('/admin/training', admin('GET', trainer), (body) => AdminTrainingSchema.parse(body), trainer)).runs;
      expect(run).toMatchObject({ id: await published.getAttribute('data-run-id'), trigger: 'api', status: 'published', baseVersion: 'b1' });
      expect(run.candidate!.mAP).toBeGreaterThan(run.current!.mAP);
      // mAP as the dashboard writes it: current → candidate, three decimals.
      const map = (value: number) => value.toFixed(3);
      expect(await published.innerText()).toContain(`${map(run.current!.mAP)} → ${map(run.candidate!.mAP)}`);

      const newRow = page.locator(`[data-testid="model-version"][data-version="${run.publishedVersion}"]`);
      await page.locator(`[data-testid="model-version"][data-version="${run.publishedVersion}"][data-current="true"]`).waitFor();
      expect(await builtRow.getAttribute('data-current')).toBe('false');
      expect(await newRow.getByTestId('rollback').count()).toBe(0);
      expect(await currentVersion()).toBe(run.publishedVersion);
      const phoneTags = await api('/models/current', {}, (body) => ManifestSchema.parse(body).tags.map((tag) => tag.id), trainer);
      expect(phoneTags).toEqual(expect.arrayContaining(['text:金毛', 'text:cat tower']));
      expect(phoneTags).not.toContain('text:cat tree');

      // Rolling back asks first; confirmed, the built bundle is what apps get again.
      await builtRow.getByTestId('rollback').click();
      await builtRow.getByTestId('rollback-confirm').click();
      await page.locator('[data-testid="model-version"][data-version="b1"][data-current="true"]').waitFor();
      expect(await newRow.getAttribute('data-current')).toBe('false');
      expect(await currentVersion()).toBe('b1');
      expect(await page.getByTestId('admin-error').count()).toBe(0);
    } finally {
      await trainer.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
