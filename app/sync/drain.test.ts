import { describe, expect, it } from 'vitest';
import { FeedbackEventSchema, type FeedbackEvent } from '../../server/contract/feedback-event.ts';
import { MAX_SYNC_EVENTS, SyncRequestSchema, type SyncResponse, type TagNeed } from '../../server/contract/sync.ts';
import { dog, preparedPhoto, recognition, testDatabase } from '../store/fixtures.case.ts';
import { actEvent } from '../store/events.ts';
import { createLocalStore } from '../store/store.ts';
import { createUuidV7 } from '../store/uuid.ts';
import { BACKOFF_BASE_MS } from './backoff.ts';
import { createSync } from './drain.ts';
import { setUploadConsent } from './photo-upload.ts';
import { createSyncApi, type Fetch } from './sync-api.ts';
import { readSyncStatus } from './sync-status.ts';
import { tagNeed } from './tag-need.ts';

/**
 * The drain against a small in-test server behind an injected fetch (the app may not import the
 * real one; test/e2e/sync.test.ts drives the real server). It stores each event id once, like the
 * real one, and lets a test break single requests.
 */
function testServer() {
  const held = new Set<string>();
  const tokens = new Set<string>();
  const photos: string[] = [];
  const batches: number[] = [];
  /** What this server needs answers about, in every answer. */
  const need: TagNeed = { tags: [], others: 1 };
  let registrations = 0;
  /** Replaces the next answers, one per request; `'lost'` stores the batch and then drops the answer. */
  const faults: (Response | 'lost' | 'down' | ((events: unknown[]) => Promise<Response | undefined> | Response | undefined))[] = [];

  const json = (body: unknown, status = 200, headers: Record<string, string> = {}) =>
    new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json', ...headers } });

  function store(events: unknown[]): SyncResponse {
    const answer: SyncResponse = { accepted: [], duplicates: [], rejected: [], model: { version: null }, need: structuredClone(need), wanted: [] };
    for (const raw of events) {
      const event = FeedbackEventSchema.safeParse(raw);
      const id = (raw as { id?: string }).id ?? '';
      if (!event.success) answer.rejected.push({ id, code: 'invalid-event', message: event.error.message });
      else if (held.has(id)) answer.duplicates.push(id);
      else (held.add(id), answer.accepted.push(id));
    }
    return answer;
  }

  const fetch: Fetch = async (input, init) => {
    if (input === '/api/v1/devices') {
      registrations += 1;
      const token = `token-${registrations}-`.padEnd(40, 'x');
      tokens.add(token);
      return json({ deviceId: crypto.randomUUID(), token }, 201);
    }
    if (!tokens.has(String(new Headers(init.headers).get('Authorization')).slice('Bearer '.length))) return json({ code: 'unauthorized', message: 'no' }, 401);
    const fault = faults.shift();
    if (fault === 'down') throw new TypeError('Failed to fetch');
    if (fault instanceof Response) return fault;
    if (input.startsWith('/api/v1/photos/')) {
      photos.push(input.slice('/api/v1/photos/'.length));
      return json({ id: input.slice(-64), stored: true }, 201);
    }
    const { events } = SyncRequestSchema.parse(JSON.parse(String(init.body)));
    const custom = typeof fault === 'function' ? await fault(events) : undefined;
    if (custom) return custom;
    batches.push(events.length);
    const answer = store(events);
    if (fault === 'lost') throw new TypeError('Failed to fetch');
    return json(answer);
  };

  return {
    fetch,
    held,
    photos,
    batches,
    faults,
    json,
    need,
    get registrations() {
      return registrations;
    },
    /** The server forgets every device, as a new database would. */
    forgetDevices: () => tokens.clear(),
  };
}

function setup() {
  const { db } = testDatabase();
  const server = testServer();
  let clock = Date.UTC(2026, 5, 1);
  const now = () => clock;
  const sync = createSync({ db, api: createSyncApi(server.fetch), now, random: () => 0.5 });
  const store = createLocalStore(db, { storage: undefined, now: () => (clock += 1) });
  return { db, server, sync, store, now, advance: (ms: number) => (clock += ms) };
}

/** `count` verdicts on one photo, queued as the store queues them. */
async function queueVerdicts(env: ReturnType<typeof setup>, count: number): Promise<FeedbackEvent[]> {
  const photo = await env.store.savePhoto(preparedPhoto('dog'), recognition([dog]));
  const nextId = createUuidV7();
  const at = env.now();
  const events = Array.from({ length: count }, (_, i) =>
    actEvent({ type: 'tag-verdict', photoId: photo.id, tag: { id: 'dog' }, verdict: i % 2 ? 'wrong' : 'correct' }, { id: nextId(at), at, model: 'm1', embedding: null }),
  );
  await env.db.outbox.bulkAdd(events.map((event) => ({ id: event.id, event, createdAt: at, attempts: 0, notBefore: at })));
  return events;
}

describe('draining the outbox', () => {
  it('sends days of feedback in bounded batches, oldest first, registering the device once', async () => {
    const env = setup();
    const events = await queueVerdicts(env, 1_201);

    expect(await env.sync.drain()).toEqual({ outcome: 'synced', sent: 1_201 });

    expect(env.server.batches).toEqual([MAX_SYNC_EVENTS, MAX_SYNC_EVENTS, 201]);
    expect([...env.server.held]).toEqual(events.map((event) => event.id));
    expect(env.server.registrations).toBe(1);
    expect(await env.db.outbox.count()).toBe(0);
    expect(await readSyncStatus(env.db)).toMatchObject({ pending: 0, rejected: 0, lastSuccessAt: env.now(), lastError: null });
  });

  it('keeps what the server needs answers about, replaced by each answer', async () => {
    const env = setup();
    const needOf = async (...tags: string[]) => tags.map(await tagNeed(env.db));
    expect(await needOf('dog', 'cat')).toEqual([1, 1]);
    env.server.need.tags.push({ tag: 'text:风筝', need: 0.9 }, { tag: 'dog', need: 0.2 });
    env.server.need.others = 0.6;
    await queueVerdicts(env, 2);
    await env.sync.drain();
    expect(await needOf('text:风筝', 'dog', 'cat')).toEqual([0.9, 0.2, 0.6]);

    env.server.need.tags.splice(0, 2, { tag: 'cat', need: 0.1 });
    env.server.need.others = 1;
    await queueVerdicts(env, 1);
    await env.sync.drain();
    expect(await needOf('text:风筝', 'dog', 'cat')).toEqual([1, 1, 0.1]);
  });

  it('treats every tag alike in an app that kept the wanted list of old, until its next sync', async () => {
    const env = setup();
    await env.db.settings.put({ key: 'wanted-tags', value: ['cat'] });
    expect((await tagNeed(env.db))('dog')).toBe(1);
    expect((await tagNeed(env.db))('cat')).toBe(1);
  });

  it('sends a batch whose answer was lost again, and the server keeps each event once', async () => {
    const env = setup();
    await queueVerdicts(env, 3);
    env.server.faults.push('lost');

    expect(await env.sync.drain()).toMatchObject({ outcome: 'failed', code: 'unreachable' });
    expect(await env.db.outbox.count()).toBe(3);
    // The backoff holds until its time, unless the network comes back or someone asks.
    expect(await env.sync.drain()).toMatchObject({ outcome: 'waiting' });
    expect(await env.sync.drain({ force: true })).toEqual({ outcome: 'synced', sent: 3 });

    expect(env.server.batches).toEqual([3, 3]);
    expect(env.server.held.size).toBe(3);
    expect(await env.db.outbox.count()).toBe(0);
  });

  it('backs off exponentially with jitter, keeping the attempts in the rows', async () => {
    const env = setup();
    await queueVerdicts(env, 2);
    const delays: number[] = [];
    for (let i = 0; i < 3; i++) {
      env.server.faults.push('down');
      const result = await env.sync.drain({ force: true });
      if (result.outcome !== 'failed' || result.retryAt === null) throw new Error(`expected a failure with a retry, got ${JSON.stringify(result)}`);
      delays.push(result.retryAt - env.now());
    }
    // random() = 0.5: half of 2 s, 4 s, 8 s.
    expect(delays).toEqual([1, 2, 4].map((k) => k * BACKOFF_BASE_MS * 0.5));
    const rows = await env.db.outbox.toArray();
    expect(rows.map((row) => row.attempts)).toEqual([3, 3]);
    expect(await readSyncStatus(env.db)).toMatchObject({ pending: 2, lastSuccessAt: null, lastError: { code: 'unreachable' } });

    env.advance(delays[2]);
    expect(await env.sync.drain()).toEqual({ outcome: 'synced', sent: 2 });
  });

  it('waits as long as a 429 says, and treats a 5xx as a failure to retry', async () => {
    const env = setup();
    await queueVerdicts(env, 1);
    env.server.faults.push(() => env.server.json({ code: 'rate-limited', message: 'slow down' }, 429, { 'Retry-After': '30' }));
    expect(await env.sync.drain()).toEqual({ outcome: 'failed', code: 'rate-limited', retryAt: env.now() + 30_000 });

    env.advance(30_000);
    env.server.faults.push(() => env.server.json({ code: 'internal', message: 'oops' }, 503));
    expect(await env.sync.drain()).toMatchObject({ outcome: 'failed', code: 'server-error' });
    expect(await env.db.outbox.count()).toBe(1);
  });

  it('keeps a refused event out of the retries, counted, while the rest of the batch is stored', async () => {
    const env = setup();
    const [good, bad] = await queueVerdicts(env, 2);
    await env.db.outbox.update(bad.id, { event: { ...bad, photoId: 'not a photo id' } });

    expect(await env.sync.drain()).toEqual({ outcome: 'synced', sent: 1 });
    expect(await env.sync.drain({ force: true })).toEqual({ outcome: 'synced', sent: 0 });

    expect([...env.server.held]).toEqual([good.id]);
    expect(env.server.batches).toEqual([2]);
    expect(await env.db.outbox.get(bad.id)).toMatchObject({ rejected: { code: 'invalid-event' } });
    expect(await readSyncStatus(env.db)).toMatchObject({ pending: 0, rejected: 1 });
  });

  it('registers again when the server has forgotten the device, and loses nothing', async () => {
    const env = setup();
    await queueVerdicts(env, 2);
    await env.sync.drain();
    env.server.forgetDevices();
    await queueVerdicts(env, 3);

    expect(await env.sync.drain()).toEqual({ outcome: 'synced', sent: 3 });
    expect(env.server.registrations).toBe(2);
    expect(env.server.held.size).toBe(5);
  });

  it('halves a batch the server finds too large until it fits', async () => {
    const env = setup();
    await queueVerdicts(env, 40);
    const tooLarge = (events: unknown[]) => (events.length > 10 ? env.server.json({ code: 'too-large', message: 'no' }, 413) : undefined);
    env.server.faults.push(tooLarge, tooLarge, tooLarge, tooLarge, tooLarge, tooLarge);

    expect(await env.sync.drain()).toEqual({ outcome: 'synced', sent: 40 });
    expect(env.server.batches).toEqual([8, 8, 8, 8, 8]);
  });

  it('retracts an act undone while its event is on the way', async () => {
    const env = setup();
    const photo = await env.store.savePhoto(preparedPhoto('dog'), recognition([dog]));
    const act = await env.store.recordFeedback({ type: 'tag-verdict', photoId: photo.id, tag: { id: 'dog' }, verdict: 'correct' });
    env.server.faults.push(async () => {
      await env.store.undoFeedback(act.id);
      return undefined;
    });

    expect(await env.sync.drain()).toEqual({ outcome: 'synced', sent: 2 });

    expect(env.server.batches).toEqual([1, 1]);
    expect(env.server.held.has(act.id)).toBe(true);
    expect(await env.db.outbox.count()).toBe(0);
  });

  it('does not try while the browser is offline, and says so', async () => {
    const env = setup();
    const sync = createSync({ db: env.db, api: createSyncApi(env.server.fetch), online: () => false, now: env.now });
    await queueVerdicts(env, 1);

    expect(await sync.drain()).toEqual({ outcome: 'failed', code: 'offline', retryAt: null });
    expect(env.server.batches).toEqual([]);
    expect(await readSyncStatus(env.db)).toMatchObject({ pending: 1, lastError: { code: 'offline' } });
  });
});

describe('uploading photos', () => {
  it('sends no photo without consent, and each photo once with it, after its feedback', async () => {
    const env = setup();
    const photo = await env.store.savePhoto(preparedPhoto('dog'), recognition([dog]));
    await env.store.recordFeedback({ type: 'tag-verdict', photoId: photo.id, tag: { id: 'dog' }, verdict: 'correct' });
    await env.sync.drain();
    expect(env.server.photos).toEqual([]);

    await setUploadConsent(env.db, true);
    await env.sync.drain();
    await env.sync.drain();

    expect(env.server.photos).toEqual([photo.id]);
    expect((await env.db.photos.get(photo.id))?.uploaded).toBe(true);
  });
});
