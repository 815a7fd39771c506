import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, inject, it } from 'vitest';
import type { FeedbackEvent } from '../../server/contract/feedback-event.ts';
import { createTestApi, type TestApi } from '../api-app.ts';
import { createTestDatabase } from '../postgres.ts';
import { DIMS, writeBuiltBundle } from '../training-fixture.ts';

/**
 * The attack that used to work: two anonymous devices invent 260 photos with embeddings, add a
 * tag to half of them and call it wrong on the rest, and the next training run taught it to every
 * phone (its held-out photos were their own). Nothing of theirs may be published; nor a larger
 * group's that first earned trust, since the gate's held-out photos are labelled by the same
 * devices as the train photos.
 */

const postgres = await createTestDatabase(inject('postgresUrl'));
const bundleDir = join(mkdtempSync(join(tmpdir(), 'wanwu-hijack-')), 'bundle');
writeBuiltBundle(bundleDir);
afterAll(async () => {
  await postgres.drop();
  rmSync(join(bundleDir, '..'), { recursive: true, force: true });
});

let api: TestApi;
afterEach(() => api.close());

/** The same 260 invented photos from each attacker: the tag added on half, "wrong" on the rest. */
function attack(photos: readonly { id: string; embedding: string }[], text: string): FeedbackEvent[] {
  return photos.map(({ id, embedding }, i): FeedbackEvent => {
    const base = { id: randomUUID(), photoId: id, model: 'b1', at: new Date().toISOString(), embedding, dims: DIMS };
    return i % 2 === 0 ? { ...base, type: 'tag-added', tag: { text } } : { ...base, type: 'tag-verdict', tag: { text }, verdict: 'wrong' };
  });
}

const databases: [string, () => string | undefined][] = [
  ['SQLite', () => undefined],
  ['PostgreSQL', () => postgres.url],
];

/** 260 invented photos, half in one cluster and half in another: a head could learn them apart perfectly. */
function inventedPhotos(): { id: string; embedding: string }[] {
  return Array.from({ length: 260 }, (_, i) => ({
    id: randomBytes(32).toString('hex'),
    embedding: Buffer.from(Float32Array.from({ length: DIMS }, (_, d) => (d === 0 ? (i % 2 === 0 ? 1 : -1) : Math.random() * 0.1)).buffer).toString('base64'),
  }));
}

async function syncAll(token: string, events: FeedbackEvent[]): Promise<void> {
  const answer = await api.sync(token, events);
  expect(answer.status).toBe(200);
  expect((await answer.json()).accepted).toHaveLength(events.length);
}

describe.each(databases)('two fresh devices teaching every phone a tag, on %s', (_name, databaseUrl) => {
  it.each([
    ['visit evil.example now', 'web-address'],
    ['独角兽', 'few-teachers'],
  ])('never publish "%s" (held back: %s)', async (text, reason) => {
    api = await createTestApi({ databaseUrl: databaseUrl(), bundleDir });
    const photos = inventedPhotos();
    for (const attacker of [await api.register(), await api.register()]) await syncAll(attacker.token, attack(photos, text));
    await api.consensus.run({ full: true });
    const run = await api.training.start('api').finished;

    expect(run.status).not.toBe('published');
    expect(run.data?.heldBack).toContainEqual({ tag: `text:${text}`, reason });
    expect((await api.registry.current())!.manifest.tags.map((tag) => tag.id)).not.toContain(`text:${text}`);
  });
});

describe.each(databases)('a trusted group labelling train and held-out photos alike, on %s', (_name, databaseUrl) => {
  it('never publishes its tag: no device outside the group names it on a held-out photo', async () => {
    api = await createTestApi({ databaseUrl: databaseUrl(), bundleDir });
    const photos = inventedPhotos();
    const group = [await api.register(), await api.register(), await api.register(), await api.register()];
    const others = [await api.register(), await api.register(), await api.register()];
    // Everyone earns trust first: all say ten photos show no dog, as consensus then confidently does.
    for (const device of [...group, ...others]) {
      await syncAll(device.token, photos.slice(0, 10).map(({ id }): FeedbackEvent => ({ id: randomUUID(), type: 'tag-verdict', photoId: id, model: 'b1', at: new Date().toISOString(), tag: { id: 'coco:dog' }, verdict: 'wrong' })));
    }
    for (const attacker of group) await syncAll(attacker.token, attack(photos, '独角兽'));
    await api.consensus.run({ full: true });
    const run = await api.training.start('api').finished;

    expect(run.status).not.toBe('published');
    expect(run.data?.heldBack).toContainEqual({ tag: 'text:独角兽', reason: 'unwitnessed' });
    expect(run.decision?.reasons).toContainEqual(expect.stringMatching(/^text:独角兽: 0 of \d+ held-out positives named by a trusted device that did not teach it \(< 1\), held back$/));
    expect((await api.registry.current())!.manifest.tags.map((tag) => tag.id)).not.toContain('text:独角兽');
  });
});
