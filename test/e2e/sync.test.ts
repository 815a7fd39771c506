import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdminStatsSchema, type AdminStats } from '../../server/contract/sync.ts';
import { freePort, launchBrowser, startServer, type LaunchedBrowser, type RunningServer } from '../browser.ts';
import { photosDir } from '../env.ts';
import { choosePhoto, openApp, waitForServiceWorkerControl, waitForState } from './app-page.ts';
import { requireBuiltApp } from './app-session.ts';

/**
 * The walk-through of sync: feedback given offline reaches the real server exactly once, through
 * a reload, a server that is down when the network comes back, and the backoff that follows.
 */

const ADMIN_TOKEN = 'e2e-admin-token-that-is-long-enough-0123456789';
/** Backoff after a few failures stays well under this; the server restarts in seconds. */
const SYNC_MS = 90_000;

let dataDir: string;
let port: number;
let server: RunningServer | undefined;
let browser: LaunchedBrowser;

/** The same port and data folder each time: a restarted server, not a new one. */
const start = async () => (server = await startServer({ WANWU_DATA: dataDir, WANWU_ADMIN_TOKEN: ADMIN_TOKEN }, { port }));
const url = () => `http://127.0.0.1:${port}`;

async function stats(): Promise<AdminStats> {
  const response = await fetch(`${url()}/api/v1/admin/stats`, { headers: { Authorization: `Bearer ${ADMIN_TOKEN}` } });
  return AdminStatsSchema.parse(await response.json());
}

beforeAll(async () => {
  requireBuiltApp();
  dataDir = await mkdtemp(join(tmpdir(), 'wanwu-sync-e2e-'));
  port = await freePort();
  [, browser] = await Promise.all([start(), launchBrowser()]);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

/** Marks tags of the shown photo correct, top to bottom, until `count` verdicts are given; how many it gave. */
async function markCorrect(page: Page, count: number): Promise<number> {
  const open = page.locator('[data-testid="tag"][data-verdict=""]');
  let given = 0;
  while (given < count && (await open.count()) > 0) {
    const row = open.first();
    const id = (await row.getAttribute('data-tag-id'))!;
    await row.getByRole('button', { name: 'Correct', exact: true }).click();
    await page.locator(`[data-testid="tag"][data-tag-id="${id}"][data-verdict="correct"]`).waitFor();
    given += 1;
  }
  return given;
}

/** The sync section of Settings, once its status is read. */
async function syncSection(page: Page) {
  await page.getByRole('link', { name: 'Settings' }).click();
  await page.locator('[data-testid="sync"][data-loaded="true"]').waitFor();
  return page.getByTestId('sync');
}

describe('sync', () => {
  it('sends 5 verdicts given offline exactly once, after a reload and a server that was down', { timeout: 300_000 }, async () => {
    const page = await browser.context.newPage();
    await openApp(page, `${url()}/?lang=en`);
    await waitForServiceWorkerControl(page);
    const before = await stats();

    await browser.context.setOffline(true);
    let given = 0;
    for (const name of ['dog.jpg', 'horses.jpg', 'bus.jpg']) {
      if (given === 5) break;
      expect(await choosePhoto(page, join(photosDir, name))).toBe('done');
      given += await markCorrect(page, 5 - given);
    }
    expect(given).toBe(5);

    await page.reload({ waitUntil: 'commit' });
    await waitForState(page, ['ready']);
    const sync = await syncSection(page);
    expect(await sync.getAttribute('data-pending')).toBe('5');
    expect(await sync.getAttribute('data-error-code')).toBe('offline');

    // The network comes back while the server is down: the app tries, fails and backs off.
    await server!.stop();
    await browser.context.setOffline(false);
    await page.locator('[data-testid="sync"][data-error-code="unreachable"]').waitFor({ timeout: SYNC_MS });
    expect(await sync.getAttribute('data-pending')).toBe('5');
    expect(await page.getByTestId('sync-error').innerText()).not.toBe('');

    // The server is back: the app syncs by itself, with no one pressing anything.
    await start();
    // The outbox empties as the server answers; the status line follows when the drain ends.
    await page.locator('[data-testid="sync"][data-pending="0"][data-error-code=""]').waitFor({ timeout: SYNC_MS });
    expect(await sync.getAttribute('data-last-success')).not.toBe('');
    const after = await stats();
    expect(after.events - before.events).toBe(5);
    // Photos stay on the device unless the person switches uploads on.
    expect(await page.getByTestId('upload-photos').isChecked()).toBe(false);
    expect(after.photos).toBe(before.photos);

    // Nothing is sent twice: not at the next start, not when asked.
    await page.reload({ waitUntil: 'commit' });
    await waitForState(page, ['ready']);
    await syncSection(page);
    await page.getByTestId('sync-now').click();
    await page.locator('[data-testid="sync-now"]:not([disabled])').waitFor();
    expect((await stats()).events - before.events).toBe(5);
  });
});
