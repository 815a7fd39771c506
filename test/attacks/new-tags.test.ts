import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, inject, it } from 'vitest';
import { AdminTaughtTagsSchema, type NewTagPolicy } from '../../server/contract/admin.ts';
import type { FeedbackEvent } from '../../server/contract/feedback-event.ts';
import { needOf, type SyncResponse } from '../../server/contract/sync.ts';
import { createTestApi, type TestApi } from '../api-app.ts';
import { createTestDatabase } from '../postgres.ts';
import { DIMS, storeLabelledPhotos, writeBuiltBundle } from '../training-fixture.ts';

/**
 * New tag names reach every phone (in the model, and in the quick question through the wanted
 * tags), so they pass an admin first: a flood of a new name waits in the review queue, a refused
 * name leaves the model, and votes on names nobody approved never make them wanted. Replayed
 * against the real API on both databases.
 */

const bundleDir = join(mkdtempSync(join(tmpdir(), 'wanwu-new-tags-')), 'bundle');
writeBuiltBundle(bundleDir);
/** Each test starts from an empty database: what one published or decided must not reach the next. */
const databases: { drop(): Promise<void> }[] = [];
async function emptyPostgres(): Promise<string> {
  const database = await createTestDatabase(inject('postgresUrl'));
  databases.push(database);
  return database.url;
}
afterAll(async () => {
  await Promise.all(databases.map((database) => database.drop()));
  rmSync(join(bundleDir, '..'), { recursive: true, force: true });
});

let api: TestApi;
afterEach(() => api.close());

const embedding = (i: number) => Buffer.from(Float32Array.from({ length: DIMS }, (_, d) => (d === 0 ? (i % 2 === 0 ? 1 : -1) : Math.random() * 0.1)).buffer).toString('base64');

/** One fresh device adding `text` to every other one of `photos` (and calling it wrong on the rest). */
function flood(photos: readonly string[], text: string): FeedbackEvent[] {
  return photos.map((photoId, i): FeedbackEvent => {
    const base = { id: randomUUID(), photoId, model: 'b1', at: new Date().toISOString(), embedding: embedding(i), dims: DIMS };
    return i % 2 === 0 ? { ...base, type: 'tag-added', tag: { text } } : { ...base, type: 'tag-verdict', tag: { text }, verdict: 'wrong' };
  });
}

const admin = (path: string, method = 'GET') =>
  api.app.request(`/api/v1/admin${path}`, { method, headers: { Authorization: `Bearer ${api.adminToken}` } });
const decide = async (key: string, action: 'approve' | 'refuse') => expect((await admin(`/taught-tags/${encodeURIComponent(key)}/${action}`, 'POST')).status).toBe(200);

/** What phones download: `GET /api/v1/models/current`. */
async function phoneTags(): Promise<string[]> {
  const res = await api.app.request('/api/v1/models/current');
  expect(res.status).toBe(200);
  return ((await res.json()) as { tags: { id: string }[] }).tags.map((tag) => tag.id);
}

async function start(databaseUrl: string | undefined, newTags: NewTagPolicy): Promise<void> {
  api = await createTestApi({ databaseUrl, bundleDir, newTags });
  // Three trusted devices teach 金毛 and "cat tree" on 160 photos: enough for training to learn both.
  await storeLabelledPhotos(api.repository, { count: 160 });
}

describe.each([
  ['SQLite', async () => undefined],
  ['PostgreSQL', emptyPostgres],
])('new tag names on %s', (_name, databaseUrl) => {
  it('under the approval policy, a new tag taught by trusted devices or flooded by fresh ones waits for an admin and is not published', async () => {
    await start(await databaseUrl(), 'approval');
    const photos = Array.from({ length: 120 }, () => randomBytes(32).toString('hex'));
    for (let i = 0; i < 10; i++) expect((await api.sync((await api.register()).token, flood(photos, '免费福利'))).status).toBe(200);
    await api.consensus.run({ full: true });

    const waiting = await api.training.start('api').finished;
    expect(waiting.status).not.toBe('published');
    expect(waiting.data?.heldBack).toEqual(expect.arrayContaining([
      { tag: 'text:金毛', reason: 'awaiting-approval' },
      { tag: 'text:免费福利', reason: 'few-teachers' },
    ]));
    expect(await phoneTags()).toEqual(['coco:dog']);
    const queue = AdminTaughtTagsSchema.parse(await (await admin('/taught-tags')).json());
    expect(queue.tags.find((tag) => tag.tagKey === 'text:免费福利')).toMatchObject({ teachers: 10, trustedTeachers: 0, decision: null });

    await decide('text:金毛', 'approve');
    const approved = await api.training.start('api').finished;
    expect(approved.status).toBe('published');
    expect(await phoneTags()).toEqual(['coco:dog', 'text:金毛']);
  });

  it('a refused tag leaves the phones with the next version, and is never learned again', async () => {
    await start(await databaseUrl(), 'automatic');
    await api.consensus.run({ full: true });
    expect((await api.training.start('api').finished).status).toBe('published');
    expect(await phoneTags()).toEqual(expect.arrayContaining(['text:cat tree', 'text:金毛']));

    await decide('text:cat tree', 'refuse');
    const run = await api.training.start('api').finished;
    expect(run.status).toBe('published');
    expect(run.data?.heldBack).toContainEqual({ tag: 'text:cat tree', reason: 'refused' });
    expect(await phoneTags()).toEqual(['coco:dog', 'text:金毛']);
  });

  it('never makes wanted a junk id, a held-back name or a tag nobody approved, however many devices vote on them', async () => {
    await start(await databaseUrl(), 'approval');
    // Stored as a device would have under an older model, or by a client the server once accepted.
    const junk = ['junk:0001', 'coco:unicorn', 'text:加微信 wanwu888', 'text:风筝'];
    for (let d = 0; d < 6; d++) {
      const deviceId = randomUUID();
      await api.repository.createDevice({ id: deviceId, tokenHash: randomUUID(), createdAt: new Date(), address: 'replay' });
      const events = Array.from({ length: 8 }, (_, i): FeedbackEvent => ({
        id: randomUUID(), type: 'tag-verdict', photoId: randomBytes(32).toString('hex'), tag: { id: junk[i % junk.length] },
        verdict: d % 2 === 0 ? 'correct' : 'wrong', model: 'b0', at: new Date().toISOString(),
      }));
      await api.repository.storeEvents(deviceId, events, new Date());
    }
    const { token } = await api.register();
    /** The need a phone reads from a sync answer for the kite, and whether the answer names any junk. */
    const kite = async () => {
      await api.consensus.run();
      const answer = (await (await api.sync(token, [])).json()) as SyncResponse;
      const named = JSON.stringify(answer);
      expect(junk.filter((tag) => tag !== 'text:风筝' && named.includes(tag))).toEqual([]);
      return { need: needOf(answer.need, 'text:风筝'), named: named.includes('风筝') };
    };

    // Each of these has split votes and few confident labels: were it askable, it would be needed.
    // coco:dog, the one vocabulary tag, has enough confident answers (need 0, shared by every tag not
    // listed); 金毛 and "cat tree" wait for approval.
    expect(await kite()).toEqual({ need: 0, named: false });

    // Approved, it is askable: its few answers, each a device alone on its photo, leave it needed.
    await decide('text:风筝', 'approve');
    expect((await kite()).need).toBeGreaterThan(0.5);
    await decide('text:风筝', 'refuse');
    expect(await kite()).toEqual({ need: 0, named: false });
  });
});
