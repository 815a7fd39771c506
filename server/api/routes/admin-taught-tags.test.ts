import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApi, type TestApi } from '../../../test/api-app.ts';
import { storeConsensus, storeLabelledPhotos, writeBuiltBundle } from '../../../test/training-fixture.ts';
import { AdminTaughtTagsSchema, type TaughtTag } from '../../contract/admin.ts';

/** The review queue on the real app and a SQLite database, under the default policy (approval). */
let bundleDir: string;
let api: TestApi;

beforeAll(async () => {
  bundleDir = await mkdtemp(join(tmpdir(), 'wanwu-taught-tags-'));
  writeBuiltBundle(bundleDir);
  api = await createTestApi({ bundleDir });
  await storeConsensus(api.repository, await storeLabelledPhotos(api.repository, { count: 40 }));
});
afterAll(async () => {
  await api.close();
  await rm(bundleDir, { recursive: true, force: true });
});

const admin = (path: string, init: RequestInit = {}) =>
  api.app.request(`/api/v1/admin${path}`, { ...init, headers: { Authorization: `Bearer ${api.adminToken}`, ...init.headers } });
const post = (path: string, body?: unknown) =>
  admin(path, { method: 'POST', ...(body === undefined ? {} : { headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) }) });
const keyPath = (key: string) => `/taught-tags/${encodeURIComponent(key)}`;

async function queue(): Promise<{ policy: string; tags: Map<string, TaughtTag> }> {
  const res = await admin('/taught-tags');
  expect(res.status).toBe(200);
  const { policy, tags } = AdminTaughtTagsSchema.parse(await res.json());
  return { policy, tags: new Map(tags.map((tag) => [tag.tagKey, tag])) };
}

describe('the taught-tag review queue', () => {
  it('lists new taught tags waiting for approval with their evidence', async () => {
    const { policy, tags } = await queue();
    expect(policy).toBe('approval');
    expect([...tags.keys()].sort()).toEqual(['text:cat tree', 'text:金毛']);
    const golden = tags.get('text:金毛')!;
    // Three trusted teachers on train photos; the fixture's witness named it on held-out photos only.
    expect(golden).toMatchObject({ trustedTeachers: 3, teachers: 4, heldBack: 'awaiting-approval', decision: null });
    expect(golden.positivePhotos).toBeGreaterThan(5);
    expect(golden.samples).toHaveLength(6);
    expect(golden.samples.every((sample) => !sample.shared)).toBe(true);
  });

  it('approves and refuses a tag, the latest decision winning', async () => {
    expect(await (await post(`${keyPath('text:金毛')}/refuse`)).json()).toEqual({ tagKey: 'text:金毛', decision: 'refused' });
    expect((await queue()).tags.get('text:金毛')).toMatchObject({ decision: 'refused', heldBack: 'refused' });
    // The key is normalised as devices' free text is.
    expect(await (await post(`${keyPath('text: 金毛 ')}/approve`)).json()).toEqual({ tagKey: 'text:金毛', decision: 'approved' });
    expect((await queue()).tags.get('text:金毛')).toMatchObject({ decision: 'approved', heldBack: null });
  });

  it('says clearly what is wrong with a request', async () => {
    const answer = async (res: Response) => [res.status, ((await res.json()) as { code: string }).code];
    expect(await answer(await post(`${keyPath('coco:dog')}/approve`))).toEqual([400, 'bad-request']);
    expect(await answer(await post(`${keyPath('text:  ')}/refuse`))).toEqual([400, 'bad-request']);
    expect(await answer(await post(`${keyPath('text:nobody taught this')}/approve`))).toEqual([404, 'not-found']);
    expect(await answer(await post(`${keyPath('text:金毛')}/rename`, { name: '金毛' }))).toEqual([400, 'bad-request']);
    expect(await answer(await post(`${keyPath('text:金毛')}/rename`, { title: 'x' }))).toEqual([400, 'bad-request']);
    const anonymous = await api.app.request(`/api/v1/admin${keyPath('text:金毛')}/approve`, { method: 'POST' });
    expect(anonymous.status).toBe(401);
  });
  it('renames a tag: it counts as the new name, approved, from the next consensus run on', async () => {
    const res = await post(`${keyPath('text:cat tree')}/rename`, { name: 'Cat Tower' });
    expect(await res.json()).toEqual({ tagKey: 'text:cat tower', decision: 'approved' });
    expect((await api.repository.tagMerges()).get('text:cat tree')).toBe('text:cat tower');
    expect((await queue()).tags.has('text:cat tree')).toBe(false);
    // A second rename moves the first name along, so no label is left behind a merged tag.
    await storeConsensus(api.repository, [{ photoId: 'a'.repeat(64), tagKey: 'text:cat tower', probability: 0.9, votes: 3, hard: false, modelScore: null }]);
    expect((await post(`${keyPath('text:cat tower')}/rename`, { name: 'scratching post' })).status).toBe(200);
    const merges = await api.repository.tagMerges();
    expect([merges.get('text:cat tree'), merges.get('text:cat tower')]).toEqual(['text:scratching post', 'text:scratching post']);
  });

});
