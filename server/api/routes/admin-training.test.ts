import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeConsensus, storeLabelledPhotos, writeBuiltBundle } from '../../../test/training-fixture.ts';
import { createApp } from '../../app.ts';
import { createConsensusJob } from '../../consensus/job.ts';
import { AdminTrainingSchema, ModelVersionSchema, TrainingRunSchema, type AdminTraining } from '../../contract/training.ts';
import { createModelRegistry } from '../../models/registry.ts';
import { hashToken, newToken } from '../../security/tokens.ts';
import { openRepository } from '../../storage/open-repository.ts';
import { createPhotoFiles } from '../../storage/photo-files.ts';
import type { Repository } from '../../storage/repository.ts';
import { createTrainingJob, type TrainingJob } from '../../training/job.ts';

/** The training admin API on the real app, a real SQLite database and a small built bundle. */
let dir: string;
let repository: Repository;
let training: TrainingJob;
let app: ReturnType<typeof createApp>;
const token = newToken();

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wanwu-admin-training-'));
  writeBuiltBundle(join(dir, 'bundle'));
  repository = await openRepository({ dataDir: dir });
  const logger = pino({ level: 'silent' });
  const registry = createModelRegistry({ repository, builtBundleDir: join(dir, 'bundle'), dataDir: dir });
  training = createTrainingJob({ repository, registry, logger, newTags: 'automatic', train: { seed: 1 } });
  app = createApp({
    appDir: join(dir, 'no-app'), bundles: registry, registry, training, repository, logger,
    consensus: createConsensusJob({ repository, bundles: registry, logger }),
    photos: createPhotoFiles(dir), adminTokenHash: hashToken(token),
  });
  await storeConsensus(repository, await storeLabelledPhotos(repository, { count: 80 }));
});
afterAll(async () => {
  await training.stop();
  await repository.close();
  await rm(dir, { recursive: true, force: true });
});

const admin = (path: string, init: RequestInit = {}) =>
  app.request(`/api/v1/admin${path}`, { ...init, headers: { Authorization: `Bearer ${token}`, ...init.headers } });
const rollback = (body: unknown) => admin('/models/rollback', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });

async function state(): Promise<AdminTraining> {
  const res = await admin('/training');
  expect(res.status).toBe(200);
  return AdminTrainingSchema.parse(await res.json());
}

async function versions() {
  const res = await admin('/models');
  expect(res.status).toBe(200);
  return ModelVersionSchema.array().parse(await res.json());
}

describe('admin training API', () => {
  it('wants the admin token', async () => {
    for (const [path, method] of [['/training', 'POST'], ['/training', 'GET'], ['/models', 'GET'], ['/models/rollback', 'POST']]) {
      expect((await app.request(`/api/v1/admin${path}`, { method })).status, `${method} ${path}`).toBe(401);
    }
  });

  it('starts a run (202), refuses a second while it runs (409), shows its progress and records how it ended', async () => {
    const res = await admin('/training', { method: 'POST' });
    expect(res.status).toBe(202);
    const started = TrainingRunSchema.parse(await res.json());
    expect(started).toMatchObject({ trigger: 'api', status: 'running', finishedAt: null });

    const again = await admin('/training', { method: 'POST' });
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ code: 'training-running', message: expect.stringContaining(started.id) });
    expect((await state()).progress).toMatchObject({ runId: started.id });

    await expect.poll(async () => (await state()).runs[0]?.status, { timeout: 20_000 }).toBe('published');
    const { progress, runs } = await state();
    expect(progress).toBeNull();
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ id: started.id, baseVersion: 'b1', data: { newTags: expect.arrayContaining(['text:金毛']) } });
    expect(runs[0].candidate!.mAP).toBeGreaterThan(runs[0].current!.mAP);
  });

  it('lists model versions with the current one marked, and rolls back to an earlier one', async () => {
    const [published, built] = await versions();
    expect(published).toMatchObject({ current: true, previous: 'b1', taughtTags: 2 });
    expect(built).toMatchObject({ version: 'b1', current: false, runId: null, taughtTags: 0 });

    const res = await rollback({ version: 'b1' });
    expect(res.status).toBe(200);
    expect(ModelVersionSchema.array().parse(await res.json()).map((v) => [v.version, v.current])).toEqual([[published.version, false], ['b1', true]]);
    expect((await versions()).find((v) => v.current)?.version).toBe('b1');
    const manifest = await app.request('/api/v1/models/current');
    expect((await manifest.json()).version).toBe('b1');
  });

  it('answers 404 for an unknown version and 400 for a malformed request', async () => {
    const unknown = await rollback({ version: 'no-such-version' });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ code: 'not-found' });
    expect((await rollback({ version: '' })).status).toBe(400);
    expect((await rollback({ version: 'b1', extra: true })).status).toBe(400);
  });
});
