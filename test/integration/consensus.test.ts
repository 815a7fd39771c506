import { execFile } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import jpeg from 'jpeg-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdminConsensusSchema, ConsensusRunSchema, type AdminConsensus } from '../../server/contract/admin.ts';
import type { FeedbackEvent } from '../../server/contract/feedback-event.ts';
import { needOf, SyncResponseSchema } from '../../server/contract/sync.ts';
import { createBundleStore } from '../../server/models/bundle-store.ts';
import { createTestApi, type TestApi } from '../api-app.ts';
import { bundleDir, repoRoot } from '../env.ts';

/**
 * Consensus through the API on real SQLite: two careful devices and one adversary answer about
 * the same photos; the job finds the adversary out, and admins release, ban and re-run.
 */

let api: TestApi;
beforeAll(async () => {
  api = await createTestApi();
});
afterAll(() => api.close());

const admin = (path: string, init: RequestInit = {}) =>
  api.app.request(`/api/v1/admin${path}`, { ...init, headers: { Authorization: `Bearer ${api.adminToken}`, ...init.headers } });

async function aggregate(full = false) {
  const res = await admin(`/aggregate${full ? '?full=true' : ''}`, { method: 'POST' });
  expect(res.status, await res.clone().text()).toBe(200);
  return ConsensusRunSchema.parse(await res.json());
}

async function consensus(): Promise<AdminConsensus> {
  const res = await admin('/consensus');
  expect(res.status).toBe(200);
  return AdminConsensusSchema.parse(await res.json());
}

const photo = (i: number) => createHash('sha256').update(`photo ${i}`).digest('hex');
/** The truth: dogs on even photos, cats on every third. */
const truth = (i: number, tag: string) => (tag === 'coco:dog' ? i % 2 === 0 : i % 3 === 0);
let clock = Date.parse('2026-03-01T09:00:00Z');

function verdict(photoId: string, tag: string, correct: boolean, score?: number): FeedbackEvent {
  // Ten seconds apart: people, not bots.
  clock += 10_000;
  return {
    id: randomUUID(), type: 'tag-verdict', photoId, model: 'v-test', at: new Date(clock).toISOString(),
    tag: { id: tag }, verdict: correct ? 'correct' : 'wrong', ...(score === undefined ? {} : { score }),
  };
}

/** Every device answers about 40 photos × 2 tags; `lie` flips what it says. */
function answers(photos: string[], { lie = false } = {}): FeedbackEvent[] {
  return photos.flatMap((id, i) => ['coco:dog', 'coco:cat'].map((tag) => verdict(id, tag, truth(i, tag) !== lie, truth(i, tag) ? 0.8 : 0.3)));
}

async function sync(token: string, events: readonly FeedbackEvent[]) {
  const res = await api.sync(token, events);
  return { status: res.status, body: res.status === 200 ? SyncResponseSchema.parse(await res.json()) : await res.json() };
}

function tinyJpeg(): Uint8Array<ArrayBuffer> {
  const data = Buffer.alloc(8 * 8 * 4, 200);
  return new Uint8Array(jpeg.encode({ data, width: 8, height: 8 }, 90).data);
}

describe('consensus through the admin API', () => {
  const photos = Array.from({ length: 40 }, (_, i) => photo(i));
  const devices: Record<'alice' | 'bob' | 'mallory', { deviceId: string; token: string }> = {} as never;
  let sharedPhoto: string;

  it('finds the adversary out and follows the careful devices', async () => {
    for (const name of ['alice', 'bob', 'mallory'] as const) devices[name] = await api.register();
    // The model was confidently wrong about one shared photo: it saw a dog that is not there.
    const bytes = tinyJpeg();
    sharedPhoto = createHash('sha256').update(bytes).digest('hex');
    const put = await api.app.request(`/api/v1/photos/${sharedPhoto}`, {
      method: 'PUT', headers: { Authorization: `Bearer ${devices.alice.token}`, 'Content-Type': 'image/jpeg' }, body: bytes,
    });
    expect(put.status).toBe(201);
    const mistake = [verdict(sharedPhoto, 'coco:dog', false, 0.97)];
    expect((await sync(devices.alice.token, [...answers(photos), ...mistake])).status).toBe(200);
    expect((await sync(devices.bob.token, [...answers(photos), { ...mistake[0], id: randomUUID() }])).status).toBe(200);
    expect((await sync(devices.mallory.token, answers(photos, { lie: true }))).status).toBe(200);

    const run = await aggregate();
    expect(run).toMatchObject({ incremental: false, votes: 3 * 80 + 2 });
    const view = await consensus();
    expect(view.lastRun).toEqual(run);
    const byDevice = new Map(view.devices.map((d) => [d.deviceId, d]));
    expect(byDevice.get(devices.mallory.deviceId)).toMatchObject({ status: 'quarantined', reason: expect.any(String), evidence: expect.any(String) });
    expect(byDevice.get(devices.alice.deviceId)?.status).toBe('active');
    expect(byDevice.get(devices.bob.deviceId)?.status).toBe('active');
    expect(view.devices.at(-1)?.deviceId).toBe(devices.mallory.deviceId);
    expect(view.feedbackPerDay).toEqual([{ day: '2026-03-01', events: 3 * 80 + 2 }]);
    expect(view.hardExamples).toContainEqual(expect.objectContaining({ photoId: sharedPhoto, tagKey: 'coco:dog', modelScore: 0.97, shared: true }));

    const labels = await api.repository.confidentItems(0.9);
    const agreed = photos.flatMap((id, i) => ['coco:dog', 'coco:cat'].map((tag) => {
      const item = labels.find((l) => l.photoId === id && l.tagKey === tag);
      return item !== undefined && item.probability >= 0.5 === truth(i, tag);
    }));
    expect(agreed.every(Boolean)).toBe(true);

    const shared = await admin(`/photos/${sharedPhoto}`);
    expect(shared.headers.get('Content-Type')).toBe('image/jpeg');
    expect((await shared.arrayBuffer()).byteLength).toBeGreaterThan(100);
    expect((await admin(`/photos/${photo(1)}`)).status).toBe(404);
    expect((await api.app.request(`/api/v1/admin/photos/${sharedPhoto}`)).status).toBe(401);
  });

  it('sends the need per tag with every sync answer, and runs incrementally on new events', async () => {
    // A tag two careful devices answered on a few photos: needed less than one nobody answered, more than dog and cat.
    const birds = photos.slice(0, 6).map((id, i) => verdict(id, 'coco:bird', i % 2 === 0));
    const answer = await sync(devices.alice.token, birds);
    expect(answer.body.need).toEqual((await consensus()).need);
    expect(needOf(answer.body.need, 'coco:bird')).toBe(1);
    await sync(devices.bob.token, birds.map((event) => ({ ...event, id: randomUUID() })));

    const run = await aggregate();
    expect(run).toMatchObject({ incremental: true, votes: 3 * 80 + 2 + 12 });
    const { need } = await consensus();
    expect(need.others).toBe(1);
    expect(needOf(need, 'coco:bird')).toBeLessThan(1);
    expect(needOf(need, 'coco:bird')).toBeGreaterThan(Math.max(needOf(need, 'coco:dog'), needOf(need, 'coco:cat')));
    // Apps from before need prefer nothing: no tag is needed more than those nobody answered.
    expect((await sync(devices.alice.token, [])).body).toMatchObject({ need, wanted: [] });
  });

  it('lets an admin release and ban a device; a banned device cannot sync', async () => {
    const release = await admin(`/devices/${devices.mallory.deviceId}/release`, { method: 'POST' });
    expect(await release.json()).toEqual({ deviceId: devices.mallory.deviceId, status: 'active' });
    await aggregate();
    const released = (await consensus()).devices.find((d) => d.deviceId === devices.mallory.deviceId);
    expect(released).toMatchObject({ status: 'active', reason: null });

    expect((await admin(`/devices/${devices.mallory.deviceId}/ban`, { method: 'POST' })).status).toBe(200);
    const refused = await sync(devices.mallory.token, answers(photos.slice(0, 1)));
    expect(refused).toMatchObject({ status: 403, body: { code: 'banned' } });
    await aggregate();
    expect((await consensus()).devices.find((d) => d.deviceId === devices.mallory.deviceId)).toMatchObject({ status: 'banned' });
    expect((await admin(`/devices/${randomUUID()}/ban`, { method: 'POST' })).status).toBe(404);
  });

  it('aggregates from the command line over the same database, and the server then runs in full', async () => {
    const run = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(process.execPath, ['bin/wanwu.js', 'aggregate'], { cwd: repoRoot, env: { ...process.env, WANWU_DATA: api.dataDir } }, (error, stdout, stderr) =>
        resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }));
    });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^consensus over 254 votes from 3 devices in \d+ ms\nquarantined: 0\nalerts: 0\nneed: .*coco:bird 0\.\d+.*, every other tag 1\n/);
    expect(await aggregate()).toMatchObject({ incremental: false, votes: 254 });
  });
});

describe('tag merges and tag quality, with the built model bundle', () => {
  it('counts a merged free-text tag as the vocabulary tag and judges the model\'s shown tags by consensus', async () => {
    const withBundle = await createTestApi({ bundles: createBundleStore(bundleDir) });
    try {
      const request = (path: string, body: unknown) => withBundle.app.request(`/api/v1/admin${path}`, {
        method: 'POST', headers: { Authorization: `Bearer ${withBundle.adminToken}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body),
      });
      const added = (photoId: string, text: string): FeedbackEvent => {
        clock += 10_000;
        return { id: randomUUID(), type: 'tag-added', photoId, model: 'v-test', at: new Date(clock).toISOString(), tag: { text } };
      };
      const ids = Array.from({ length: 6 }, (_, i) => photo(100 + i));
      for (const _ of [1, 2]) {
        const { token } = await withBundle.register();
        // The model showed a dog on every photo (0.8 ≥ its threshold); people say only the first four have one.
        await withBundle.sync(token, [...ids.slice(0, 4).map((id) => added(id, ' Doggo')), ...ids.map((id, i) => verdict(id, 'coco:dog', i < 4, 0.8))]);
      }
      expect((await request('/tags/merge', { from: 'text:DOGGO', into: 'coco:nothing' })).status).toBe(400);
      const merged = await request('/tags/merge', { from: 'text:DOGGO', into: 'coco:dog' });
      expect(await merged.json()).toEqual({ from: 'text:doggo', into: 'coco:dog' });
      expect((await request('/aggregate', {})).status).toBe(200);
      const items = await withBundle.repository.confidentItems(0.5);
      expect(items.filter((item) => item.tagKey.startsWith('text:'))).toEqual([]);
      const view = AdminConsensusSchema.parse(await (await withBundle.app.request('/api/v1/admin/consensus', { headers: { Authorization: `Bearer ${withBundle.adminToken}` } })).json());
      expect(view.tags.find((tag) => tag.tagKey === 'coco:dog')).toEqual({ tagKey: 'coco:dog', en: 'dog', zh: '狗', precision: 4 / 6, recall: 1, support: 6 });
    } finally {
      await withBundle.close();
    }
  });
});
