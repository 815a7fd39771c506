import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { verdictEvents } from '../../../bench/sync/events.ts';
import { createTestApi, type TestApi } from '../../../test/api-app.ts';
import { MAX_SYNC_EVENTS, UNKNOWN_NEED, type SyncResponse } from '../../contract/sync.ts';

let api: TestApi;
beforeEach(async () => {
  api = await createTestApi();
});
afterEach(() => api.close());

async function stats(): Promise<unknown> {
  return (await api.app.request('/api/v1/admin/stats', { headers: { Authorization: `Bearer ${api.adminToken}` } })).json();
}

async function syncOk(token: string, events: readonly unknown[]): Promise<SyncResponse> {
  const res = await api.sync(token, events);
  expect(res.status).toBe(200);
  return res.json();
}

describe('POST /api/v1/sync', () => {
  it('stores a batch and answers with every id and the model version', async () => {
    const { token } = await api.register();
    const events = verdictEvents(20);
    const answer = await syncOk(token, events);
    expect(answer).toEqual({ accepted: events.map((e) => e.id), duplicates: [], rejected: [], model: { version: null }, need: UNKNOWN_NEED, wanted: [] });
    expect(await stats()).toMatchObject({ devices: 1, events: 20, photos: 0 });
  });

  it('rejects a malformed event alone, naming the field, and stores the rest', async () => {
    const { token, deviceId } = await api.register();
    const [good1, bad, good2, badType] = verdictEvents(4);
    const answer = await syncOk(token, [good1, { ...bad, tag: { id: '' } }, good2, { ...badType, type: 'tag-liked' }, 'junk']);
    expect(answer.accepted).toEqual([good1.id, good2.id]);
    expect(answer.rejected).toEqual([
      { id: bad.id, code: 'invalid-event', message: expect.stringMatching(/^tag\.id: /) },
      { id: badType.id, code: 'invalid-event', message: expect.stringMatching(/^type: /) },
      { id: '', code: 'invalid-event', message: expect.any(String) },
    ]);
    expect((await api.repository.eventsOfDevice(deviceId)).map((e) => e.id).sort()).toEqual([good1.id, good2.id].sort());
  });

  it('stores a batch sent again after a lost response once, listing the repeats as duplicates', async () => {
    const { token } = await api.register();
    const events = verdictEvents(50);
    await syncOk(token, events);
    const retry = await syncOk(token, [...events, ...verdictEvents(1)]);
    expect(retry.duplicates).toEqual(events.map((e) => e.id));
    expect(retry.accepted).toHaveLength(1);
    expect(await stats()).toMatchObject({ events: 51 });
  });

  it('counts an id repeated within one batch once', async () => {
    const { token } = await api.register();
    const [event] = verdictEvents(1);
    const answer = await syncOk(token, [event, event]);
    expect(answer).toMatchObject({ accepted: [event.id], duplicates: [event.id], rejected: [] });
    expect(await stats()).toMatchObject({ events: 1 });
  });

  it('keeps two devices apart: the same photo from both, simultaneous syncs, a reused id refused', async () => {
    const [a, b] = await Promise.all([api.register(), api.register()]);
    const photoId = 'ab'.repeat(32);
    const fromA = verdictEvents(300).map((e) => ({ ...e, photoId }));
    const fromB = verdictEvents(300).map((e) => ({ ...e, photoId }));
    const [answerA, answerB] = await Promise.all([syncOk(a.token, fromA), syncOk(b.token, fromB)]);
    expect(answerA.accepted).toHaveLength(300);
    expect(answerB.accepted).toHaveLength(300);
    // B replays one of A's ids: refused, and A's event stays as A sent it.
    const stolen = { ...fromA[0], model: 'forged' };
    const answer = await syncOk(b.token, [stolen]);
    expect(answer.rejected).toEqual([{ id: stolen.id, code: 'id-conflict', message: expect.any(String) }]);
    expect(await stats()).toMatchObject({ devices: 2, events: 600, photos: 0 });
    expect((await api.repository.eventsOfDevice(a.deviceId)).find((e) => e.id === stolen.id)).toEqual(fromA[0]);
  });

  it('takes a device back from days offline: 3,000 events in batches of at most 500', async () => {
    const { token } = await api.register();
    const events = verdictEvents(3000);
    const accepted: string[] = [];
    for (let start = 0; start < events.length; start += MAX_SYNC_EVENTS) {
      accepted.push(...(await syncOk(token, events.slice(start, start + MAX_SYNC_EVENTS))).accepted);
    }
    expect(new Set(accepted).size).toBe(3000);
    expect(await stats()).toMatchObject({ events: 3000 });
  });

  it('refuses more than 500 events, or a body too large, with 413', async () => {
    const { token } = await api.register();
    const tooMany = await api.sync(token, verdictEvents(MAX_SYNC_EVENTS + 1));
    expect(tooMany.status).toBe(413);
    expect(await tooMany.json()).toEqual({ code: 'payload-too-large', message: expect.stringMatching(/^events: /) });
    const huge = await api.sync(token, [{ padding: 'x'.repeat(5 * 1024 * 1024) }]);
    expect(huge.status).toBe(413);
    expect(await stats()).toMatchObject({ events: 0 });
  });

  it('answers 401 with WWW-Authenticate without a token or with an unknown one', async () => {
    for (const headers of [{}, { Authorization: 'Bearer not-a-token' }, { Authorization: 'Basic dXNlcjpwYXNz' }] as Record<string, string>[]) {
      const res = await api.app.request('/api/v1/sync', { method: 'POST', headers: { ...headers, 'Content-Type': 'application/json' }, body: '{"events":[]}' });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect(await res.json()).toMatchObject({ code: 'unauthorized' });
    }
  });

  it('answers 400 to a body that is not JSON or not a batch, and 415 to one not sent as JSON', async () => {
    const { token } = await api.register();
    const post = (body: string, type = 'application/json') =>
      api.app.request('/api/v1/sync', { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': type }, body });
    const broken = await post('{"events": [');
    expect(broken.status).toBe(400);
    expect(await broken.json()).toEqual({ code: 'invalid-json', message: expect.any(String) });
    const shapeless = await post('{"events": 3}');
    expect(shapeless.status).toBe(400);
    expect(await shapeless.json()).toEqual({ code: 'bad-request', message: expect.stringMatching(/^events: /) });
    const text = await post('{"events": []}', 'text/plain');
    expect(text.status).toBe(415);
    expect(await text.json()).toMatchObject({ code: 'unsupported-media-type' });
  });

  it('answers 429 with Retry-After past the device\'s rate, other devices unaffected', async () => {
    const limited = await createTestApi({ limits: { syncPerMinute: 4 } });
    try {
      const [busy, calm] = [await limited.register(), await limited.register()];
      expect((await limited.sync(busy.token, [])).status).toBe(200);
      expect((await limited.sync(busy.token, [])).status).toBe(200);
      const refused = await limited.sync(busy.token, verdictEvents(1));
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(await refused.json()).toMatchObject({ code: 'rate-limited' });
      expect((await limited.sync(calm.token, [])).status).toBe(200);
      expect((await limited.repository.stats()).events).toBe(0);
    } finally {
      await limited.close();
    }
  });
});
