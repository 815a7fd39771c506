import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verdictEvents } from '../../bench/sync/events.ts';
import type { FeedbackEvent } from '../../server/contract/feedback-event.ts';
import { AdminStatsSchema, DeviceRegistrationSchema, MAX_SYNC_EVENTS, SyncResponseSchema, type SyncResponse } from '../../server/contract/sync.ts';
import { startServer, type RunningServer } from '../browser.ts';

/** The real server process over HTTP, stopped and started again on its data: what was acknowledged stays. */

let dataDir: string;
let server: RunningServer;
const ADMIN_TOKEN = 'integration-admin-token-0123456789';
const start = (port?: number) => startServer({ WANWU_DATA: dataDir, WANWU_ADMIN_TOKEN: ADMIN_TOKEN }, { port });

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'wanwu-sync-it-'));
  server = await start();
});
afterAll(async () => {
  await server?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

async function register(): Promise<string> {
  const res = await fetch(`${server.url}/api/v1/devices`, { method: 'POST' });
  expect(res.status).toBe(201);
  return DeviceRegistrationSchema.parse(await res.json()).token;
}

async function sync(token: string, events: readonly FeedbackEvent[]): Promise<SyncResponse> {
  const res = await fetch(`${server.url}/api/v1/sync`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ events }),
  });
  expect(res.status, await res.clone().text()).toBe(200);
  return SyncResponseSchema.parse(await res.json());
}

async function stats() {
  const res = await fetch(`${server.url}/api/v1/admin/stats`, { headers: { Authorization: `Bearer ${ADMIN_TOKEN}` } });
  return AdminStatsSchema.parse(await res.json());
}

/** Sends `events` as a phone drains its outbox: batches of at most 500, one after the other. */
async function drain(token: string, events: readonly FeedbackEvent[]): Promise<SyncResponse[]> {
  const answers: SyncResponse[] = [];
  for (let start = 0; start < events.length; start += MAX_SYNC_EVENTS) answers.push(await sync(token, events.slice(start, start + MAX_SYNC_EVENTS)));
  return answers;
}

describe('sync against the running server', () => {
  it('takes two devices at once, thousands of events about the same photos, each exactly once across a restart', async () => {
    const [a, b] = await Promise.all([register(), register()]);
    const photoIds = ['11'.repeat(32), '22'.repeat(32)];
    const onPhotos = (events: FeedbackEvent[]) => events.map((event, i) => ({ ...event, photoId: photoIds[i % 2] }));
    const fromA = onPhotos(verdictEvents(3000));
    const fromB = onPhotos(verdictEvents(1200));

    const [answersA, answersB] = await Promise.all([drain(a, fromA), drain(b, fromB)]);
    expect(answersA.every((answer) => answer.accepted.length <= MAX_SYNC_EVENTS)).toBe(true);
    expect(answersA.flatMap((answer) => answer.accepted)).toEqual(fromA.map((e) => e.id));
    expect(answersB.flatMap((answer) => answer.accepted)).toEqual(fromB.map((e) => e.id));
    expect(await stats()).toMatchObject({ devices: 2, events: 4200 });

    // The last batch's answer was "lost": after a restart the device sends it again.
    await server.stop();
    server = await start(server.port);
    const lastBatch = fromA.slice(-MAX_SYNC_EVENTS);
    const retry = await sync(a, lastBatch);
    expect(retry).toMatchObject({ accepted: [], rejected: [] });
    expect(retry.duplicates).toEqual(lastBatch.map((e) => e.id));
    // B replaying A's ids is refused, not stored over them.
    const replay = await sync(b, fromA.slice(0, 3));
    expect(replay.rejected.map((r) => r.code)).toEqual(['id-conflict', 'id-conflict', 'id-conflict']);
    expect(await stats()).toMatchObject({ devices: 2, events: 4200 });
  });
});
