import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { storeConsensus, storeLabelledPhotos, TAUGHT, writeBuiltBundle } from '../../test/training-fixture.ts';
import type { TrainingProgress } from '../contract/training.ts';
import { createModelRegistry, type ModelRegistry } from '../models/registry.ts';
import { openRepository } from '../storage/open-repository.ts';
import type { Repository } from '../storage/repository.ts';
import { createTrainingJob, type TrainingJob } from './job.ts';

let dir: string;
let repository: Repository;
let registry: ModelRegistry;
let job: TrainingJob | null;
const logger = pino({ level: 'silent' });

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wanwu-training-'));
  writeBuiltBundle(join(dir, 'bundle'));
  repository = await openRepository({ dataDir: dir });
  registry = createModelRegistry({ repository, builtBundleDir: join(dir, 'bundle'), dataDir: dir });
  job = null;
});
afterEach(async () => {
  await job?.stop();
  await repository.close();
  await rm(dir, { recursive: true, force: true });
});

function trainingJob(options: { minNewLabels?: number; watchMs?: number } = {}): TrainingJob {
  job = createTrainingJob({ repository, registry, logger, newTags: 'automatic', train: { seed: 1 }, ...options });
  return job;
}

describe('the training job', () => {
  it('publishes a head that learned the taught tags, then refuses a candidate that is no better', async () => {
    await storeConsensus(repository, await storeLabelledPhotos(repository, { count: 160 }));
    const training = trainingJob();
    const stages: TrainingProgress['stage'][] = [];
    training.onProgress((progress) => stages.at(-1) !== progress.stage && stages.push(progress.stage));

    const first = await training.start('cli').finished;
    expect(first).toMatchObject({ status: 'published', trigger: 'cli', baseVersion: 'b1', error: null });
    expect(first.data?.newTags.sort()).toEqual(Object.keys(TAUGHT).sort());
    expect(first.candidate!.mAP).toBeGreaterThan(first.current!.mAP + 0.2);
    expect(stages[0]).toBe('loading');
    expect(stages).toContain('evaluating');
    expect(stages.at(-1)).toBe('publishing');
    expect(training.progress()).toBeNull();

    const current = (await registry.current())!.manifest;
    expect(current.version).toBe(first.publishedVersion);
    expect(current.tags.filter((tag) => tag.taught).map(({ id, zh, en }) => ({ id, zh, en }))).toEqual(expect.arrayContaining([
      { id: 'text:金毛', zh: '金毛', en: '金毛' },
      { id: 'text:cat tree', zh: 'cat tree', en: 'cat tree' },
    ]));

    // The same labels again: the candidate can only match the head it would replace.
    const second = await training.start('api').finished;
    expect(second).toMatchObject({ status: 'refused', baseVersion: first.publishedVersion, publishedVersion: null });
    expect(second.data?.newTags).toEqual([]);
    expect(second.decision?.reasons.join('\n')).toMatch(/mAP/);
    expect((await registry.current())!.manifest.version).toBe(first.publishedVersion);
    expect((await repository.trainingRuns(10)).map((run) => run.status)).toEqual(['refused', 'published']);
  });

  it('runs one at a time: a second start joins the running one', async () => {
    await storeConsensus(repository, await storeLabelledPhotos(repository, { count: 60 }));
    const training = trainingJob();
    const first = training.start('api');
    const second = training.start('cli');
    expect(first.started).toBe(true);
    expect(second).toMatchObject({ started: false, run: { id: first.run.id, status: 'running' } });
    expect((await second.finished).id).toBe(first.run.id);
    expect(await repository.trainingRuns(10)).toHaveLength(1);
  });

  it('records a run without labels as skipped and one without a model as failed', async () => {
    const skipped = await trainingJob().start('cli').finished;
    expect(skipped).toMatchObject({ status: 'skipped', candidate: null, publishedVersion: null });
    expect(skipped.decision?.reasons[0]).toMatch(/no tag to learn/);

    const orphan = createTrainingJob({ repository, registry: createModelRegistry({ repository, builtBundleDir: join(dir, 'none'), dataDir: dir }), logger, newTags: 'automatic' });
    const failed = await orphan.start('cli').finished;
    expect(failed).toMatchObject({ status: 'failed', error: expect.stringMatching(/npm run models/) });
    expect(failed.durationMs).not.toBeNull();
    expect((await repository.trainingRuns(10)).map((run) => run.status)).toEqual(['failed', 'skipped']);
  });

  it('trains by itself after a consensus run that brought enough new labels, and not again without new ones', async () => {
    const first = await storeLabelledPhotos(repository, { count: 40 });
    await storeConsensus(repository, first, new Date('2026-03-01T10:00:00Z'));
    trainingJob({ minNewLabels: 150, watchMs: 10 });
    // 120 labels (each photo: no dog, and two taught tags): not enough yet.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await repository.trainingRuns(10)).toEqual([]);

    const more = await storeLabelledPhotos(repository, { count: 60, from: 40 });
    await storeConsensus(repository, [...first, ...more], new Date('2026-03-01T11:00:00Z'));
    await expect.poll(async () => (await repository.trainingRuns(10)).map((run) => `${run.trigger} ${run.status}`), { timeout: 10_000 }).toEqual(['schedule published']);

    await storeConsensus(repository, [...first, ...more], new Date('2026-03-01T12:00:00Z'));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await repository.trainingRuns(10)).toHaveLength(1);
  });

  it('counts only confident labels as seen by a run, as the schedule counts new ones', async () => {
    const first = await storeLabelledPhotos(repository, { count: 40 });
    // 120 labels, 40 of them unsure (p 0.6): a run has seen 80 confident ones.
    const unsure = first.map((item, i) => (i % 3 === 0 ? { ...item, probability: 0.6 } : item));
    await storeConsensus(repository, unsure, new Date('2026-03-01T10:00:00Z'));
    const training = trainingJob({ minNewLabels: 160, watchMs: 10 });
    await training.start('api').finished;
    // 60 photos more: 260 confident labels, 180 more than the run saw; counted against all 120 labels, 140 would not be enough.
    const more = await storeLabelledPhotos(repository, { count: 60, from: 40 });
    await storeConsensus(repository, [...first, ...more].map((item, i) => (i < first.length && i % 3 === 0 ? { ...item, probability: 0.6 } : item)), new Date('2026-03-01T11:00:00Z'));
    await expect.poll(async () => (await repository.trainingRuns(10)).map((run) => run.trigger), { timeout: 10_000 }).toEqual(['schedule', 'api']);
  });
});
