import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { verdictEvents } from '../../bench/sync/events.ts';
import { startServer, type RunningServer } from '../browser.ts';
import type { FeedbackEvent } from '../../server/contract/feedback-event.ts';
import { AdminStatsSchema, DeviceRegistrationSchema, SyncResponseSchema, type SyncResponse } from '../../server/contract/sync.ts';
import { openRepository } from '../../server/storage/open-repository.ts';
import { createTestDatabase } from '../postgres.ts';

/**
 * The sync guarantee: a server killed with SIGKILL in the middle of syncing loses nothing it
 * acknowledged; the client's retry completes the rest, and the event count is exact afterwards.
 * The real server runs as its own process on a temporary data folder.
 */

const BATCHES = 40;
const EVENTS_PER_BATCH = 250;
/** The server dies as this many batches have been answered, while the others are still in flight. */
const KILL_AT_ANSWER = 10;
const ADMIN_TOKEN = 'crash-test-admin-token-0123456789';

interface Answer {
  batch: number;
  response: SyncResponse;
}

const ids = (events: readonly FeedbackEvent[]) => events.map((event) => event.id);

async function sync(url: string, token: string, events: readonly FeedbackEvent[]): Promise<SyncResponse> {
  const response = await fetch(`${url}/api/v1/sync`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ events }),
  });
  if (response.status !== 200) throw new Error(`sync answered ${response.status}: ${await response.text()}`);
  return SyncResponseSchema.parse(await response.json());
}

async function register(url: string): Promise<{ deviceId: string; token: string }> {
  const response = await fetch(`${url}/api/v1/devices`, { method: 'POST' });
  expect(response.status).toBe(201);
  return DeviceRegistrationSchema.parse(await response.json());
}

async function storedEvents(url: string): Promise<number> {
  const response = await fetch(`${url}/api/v1/admin/stats`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
  expect(response.status).toBe(200);
  return AdminStatsSchema.parse(await response.json()).events;
}

/**
 * Sends every batch at once and SIGKILLs the server at the KILL_AT_ANSWER-th answer, while the
 * other batches are still on the wire or being stored. Returns the answers the client did get.
 */
async function syncUntilKilled(server: RunningServer, token: string, batches: FeedbackEvent[][]): Promise<{ answers: Answer[]; pendingAtKill: number }> {
  const answers: Answer[] = [];
  let pending = batches.length;
  let pendingAtKill = 0;
  let killed: Promise<void> | null = null;
  const sends = batches.map(async (events, batch) => {
    try {
      answers.push({ batch, response: await sync(server.url, token, events) });
    } finally {
      pending -= 1;
    }
    if (!killed && answers.length >= KILL_AT_ANSWER) {
      pendingAtKill = pending;
      killed = server.kill('SIGKILL');
    }
  });
  // Requests cut off by the kill fail: the client just has no answer for them.
  await Promise.allSettled(sends);
  await killed;
  return { answers, pendingAtKill };
}

const backends = [
  { name: 'SQLite', database: async () => ({ url: undefined, drop: async () => {} }) },
  { name: 'PostgreSQL', database: () => createTestDatabase(inject('postgresUrl')) },
];

describe.each(backends)('a server killed with SIGKILL mid-sync ($name)', ({ database }) => {
  let dataDir: string;
  let databaseUrl: string | undefined;
  let dropDatabase: () => Promise<void>;
  let server: RunningServer | null = null;
  const start = async () => {
    const env: Record<string, string> = {
      WANWU_DATA: dataDir,
      WANWU_ADMIN_TOKEN: ADMIN_TOKEN,
      // All batches go at once from one device: the per-device limit must not turn them away.
      WANWU_SYNC_RATE: '100000',
    };
    if (databaseUrl) env.DATABASE_URL = databaseUrl;
    server = await startServer(env, { entry: 'server/main.ts' });
    return server;
  };

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'wanwu-crash-'));
    ({ url: databaseUrl, drop: dropDatabase } = await database());
  });
  afterEach(async () => {
    await server?.kill();
    server = null;
    await dropDatabase();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('loses nothing it acknowledged; retries complete the rest and the count is exact', async () => {
    const first = await start();
    const device = await register(first.url);
    const before = await storedEvents(first.url);
    const batches = Array.from({ length: BATCHES }, () => verdictEvents(EVENTS_PER_BATCH));

    const { answers, pendingAtKill } = await syncUntilKilled(first, device.token, batches);
    // The kill landed mid-sync: some batches were answered, others were still in flight.
    expect(answers.length).toBeGreaterThanOrEqual(KILL_AT_ANSWER);
    expect(pendingAtKill).toBeGreaterThan(0);
    const acknowledged = new Set(answers.flatMap(({ response }) => [...response.accepted, ...response.duplicates]));
    const answeredBatches = new Set(answers.map(({ batch }) => batch));
    for (const { batch, response } of answers) {
      expect(response.rejected).toEqual([]);
      expect([...response.accepted, ...response.duplicates].sort()).toEqual(ids(batches[batch]).sort());
    }

    const second = await start();
    // The client retries what got no answer: each of those batches ends up fully held.
    const unanswered = batches.map((_, batch) => batch).filter((batch) => !answeredBatches.has(batch));
    const retries = await Promise.all(unanswered.map((batch) => sync(second.url, device.token, batches[batch])));
    for (const [index, response] of retries.entries()) {
      expect(response.rejected).toEqual([]);
      expect([...response.accepted, ...response.duplicates].sort()).toEqual(ids(batches[unanswered[index]]).sort());
    }
    // Some of them had not been stored when the server died: the retry stored them now.
    expect(retries.some((response) => response.accepted.length > 0)).toBe(true);

    // Sending everything once more stores nothing: every id, acknowledged or retried, is a duplicate.
    const again = await Promise.all(batches.map((events) => sync(second.url, device.token, events)));
    for (const [batch, response] of again.entries()) {
      expect(response.accepted).toEqual([]);
      expect(response.duplicates.sort()).toEqual(ids(batches[batch]).sort());
    }
    const all = batches.flatMap(ids);
    expect(await storedEvents(second.url)).toBe(before + all.length);
    await second.kill();
    server = null;

    // Read back from the database itself, with the server gone: every acknowledged id is there, each once.
    const repository = await openRepository({ dataDir, databaseUrl });
    try {
      const stored = ids(await repository.eventsOfDevice(device.deviceId));
      const held = new Set(stored);
      expect([...acknowledged].filter((id) => !held.has(id))).toEqual([]);
      expect(stored.length).toBe(all.length);
      expect(held).toEqual(new Set(all));
    } finally {
      await repository.close();
    }
  });
});
