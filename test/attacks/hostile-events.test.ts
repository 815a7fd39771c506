import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { MAX_CONFIRMED_TAGS, type FeedbackEvent } from '../../server/contract/feedback-event.ts';
import type { SyncResponse } from '../../server/contract/sync.ts';
import { createTestApi, type TestApi } from '../api-app.ts';
import { bundleDir } from '../env.ts';
import { createTestDatabase } from '../postgres.ts';

/**
 * Events an attacker (or a broken client) sends, replayed against the real API on both databases:
 * each bad event is refused alone with a code that says why, the rest of its batch is stored, and
 * nothing a device claims outranks what the server knows.
 */

const postgres = await createTestDatabase(inject('postgresUrl'));
afterAll(() => postgres.drop());

const photoId = () => randomBytes(32).toString('hex');

function verdict(fields: Partial<FeedbackEvent> = {}): FeedbackEvent {
  return {
    id: randomUUID(), type: 'tag-verdict', photoId: photoId(), tag: { id: 'coco:dog' }, verdict: 'correct',
    model: 'test-1', at: new Date().toISOString(), ...fields,
  } as FeedbackEvent;
}

describe.each([
  ['SQLite', () => undefined],
  ['PostgreSQL', () => postgres.url],
])('hostile events on %s', (_name, databaseUrl) => {
  let api: TestApi;
  let token: string;
  beforeEach(async () => {
    api = await createTestApi({ databaseUrl: databaseUrl(), bundleDir });
    ({ token } = await api.register());
  });
  afterEach(() => api.close());

  async function sync(events: readonly unknown[]): Promise<SyncResponse> {
    const res = await api.sync(token, events);
    expect(res.status).toBe(200);
    return res.json();
  }

  it("never lets a device's model scores replace those of the device whose photo it is", async () => {
    const photos = Array.from({ length: 40 }, photoId);
    await sync(photos.map((id) => verdict({ photoId: id, score: 0.9 })));
    const attacker = await api.register();
    const res = await api.sync(attacker.token, photos.map((id) => verdict({ photoId: id, verdict: 'wrong', score: 0.01 })));
    expect(res.status).toBe(200);
    await api.consensus.run({ full: true });
    const dog = (await api.repository.confidentItems(0.5)).filter((item) => photos.includes(item.photoId));
    expect(dog).toHaveLength(40);
    expect(new Set(dog.map((item) => item.modelScore))).toEqual(new Set([0.9]));
  });

  it('refuses text no database can store and impossible times, one event at a time, and stores the rest', async () => {
    const good = [verdict(), verdict({ tag: { text: '金毛 🐕' } })];
    const nul = verdict({ tag: { text: 'do\u0000g' } });
    const loneSurrogate = { ...verdict({ type: 'tag-added', tag: { text: 'x\ud800' } }), verdict: undefined };
    const badModel = verdict({ model: 'v\udc00' });
    const yearZero = verdict({ at: '0000-01-01T00:00:00+14:00' });
    const year2999 = verdict({ at: '2999-01-01T00:00:00Z' });

    const answer = await sync([nul, good[0], loneSurrogate, badModel, yearZero, good[1], year2999]);

    expect(answer.accepted).toEqual(good.map((event) => event.id));
    expect(answer.rejected.map(({ id, code }) => [id, code])).toEqual([
      [nul.id, 'unstorable-text'],
      [loneSurrogate.id, 'unstorable-text'],
      [badModel.id, 'unstorable-text'],
      [yearZero.id, 'implausible-time'],
      [year2999.id, 'implausible-time'],
    ]);
    expect(answer.rejected[0].message).toMatch(/^tag\.text: contains a NUL character/);
  });

  it('keeps a clock that runs ahead as a claim: the event is stored at the time the server received it', async () => {
    const ahead = verdict({ at: new Date(Date.now() + 365 * 86_400_000).toISOString() });
    const before = Date.now();
    expect((await sync([ahead])).accepted).toEqual([ahead.id]);
    // The same database serves every test of the file: find this event among what is stored.
    const stored = (await api.repository.eventsAfter(null, 1000)).events.find((event) => event.id === ahead.id)!;
    expect(stored.at.getTime()).toBeGreaterThanOrEqual(before - 1000);
    expect(stored.at.getTime()).toBeLessThanOrEqual(Date.now());
    // What the device sent is kept as sent.
    expect((await api.repository.eventsOfDevice(stored.deviceId))[0].at).toBe(ahead.at);
  });

  it('refuses tag ids the model does not know, so made-up tags cannot fill the wanted list', async () => {
    const known = verdict();
    const taught = verdict({ tag: { id: 'text:金毛' } });
    const typed = verdict({ tag: { text: 'golden retriever' } });
    const madeUp = verdict({ tag: { id: 'junk:0001' } });
    const confirmedJunk: FeedbackEvent = { id: randomUUID(), type: 'photo-confirmed', photoId: photoId(), model: 'test-1', at: new Date().toISOString(), tags: [{ id: 'coco:dog' }, { id: 'imagenet:not-a-class' }] };

    const answer = await sync([known, madeUp, taught, confirmedJunk, typed]);

    expect(answer.accepted).toEqual([known.id, taught.id, typed.id]);
    expect(answer.rejected).toEqual([
      { id: madeUp.id, code: 'unknown-tag', message: '"junk:0001" is not a tag of the model' },
      { id: confirmedJunk.id, code: 'unknown-tag', message: '"imagenet:not-a-class" is not a tag of the model' },
    ]);
    await api.consensus.run({ full: true });
    expect(JSON.stringify(await api.consensus.tagNeed())).not.toContain('junk:0001');
  });

  it(`bounds the work one "All correct" causes: at most ${MAX_CONFIRMED_TAGS} tags`, async () => {
    const tags = Array.from({ length: MAX_CONFIRMED_TAGS + 1 }, (_, i) => ({ text: `tag ${i}` }));
    const tooMany: FeedbackEvent = { id: randomUUID(), type: 'photo-confirmed', photoId: photoId(), model: 'test-1', at: new Date().toISOString(), tags };
    const answer = await sync([tooMany]);
    expect(answer.rejected).toEqual([{ id: tooMany.id, code: 'invalid-event', message: expect.stringMatching(/^tags: .*64/) }]);
  });
});
