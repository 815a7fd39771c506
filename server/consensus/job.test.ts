import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FeedbackEvent } from '../contract/feedback-event.ts';
import { createBundleStore } from '../models/bundle-store.ts';
import { openRepository } from '../storage/open-repository.ts';
import type { Repository } from '../storage/repository.ts';
import { createConsensusJob, type ConsensusJob } from './job.ts';

let dir: string;
let repository: Repository;
let job: ConsensusJob;
const logger = pino({ level: 'silent' });

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wanwu-job-'));
  repository = await openRepository({ dataDir: dir });
  job = createConsensusJob({ repository, bundles: createBundleStore(join(dir, 'no-bundle')), logger, delayMs: 20 });
});
afterEach(async () => {
  await job.stop();
  await repository.close();
  await rm(dir, { recursive: true, force: true });
});

let clock = Date.parse('2026-03-01T09:00:00Z');
const photo = (i: number) => i.toString(16).padStart(64, '0');

function verdict(i: number, correct: boolean): FeedbackEvent {
  clock += 10_000;
  return { id: randomUUID(), type: 'tag-verdict', photoId: photo(i), model: 'v', at: new Date(clock).toISOString(), tag: { id: 'coco:dog' }, verdict: correct ? 'correct' : 'wrong', score: 0.6 };
}

async function device(events: FeedbackEvent[]): Promise<string> {
  const id = randomUUID();
  await repository.createDevice({ id, tokenHash: randomUUID(), createdAt: new Date(), address: 'in-process' });
  await repository.storeEvents(id, events, new Date());
  return id;
}

const probabilities = async () => new Map((await repository.confidentItems(0)).map((item) => [item.photoId, item.probability]));

describe('the consensus job', () => {
  it('takes in a page of events holding hundreds of thousands of votes', async () => {
    // 5,000 "all correct" events of 64 tags each, the most sync stores: 320,000 votes in one page.
    const tags = Array.from({ length: 64 }, (_, i) => ({ id: `coco:tag${i}` }));
    const confirmed = Array.from({ length: 5000 }, (_, i): FeedbackEvent => {
      clock += 10_000;
      return { id: randomUUID(), type: 'photo-confirmed', photoId: photo(i), model: 'v', at: new Date(clock).toISOString(), tags };
    });
    await device(confirmed);
    expect(await job.run()).toMatchObject({ incremental: false, votes: 320_000 });
  }, 60_000);


  it('updates incrementally to what a full run over the same events stores', async () => {
    await device(Array.from({ length: 30 }, (_, i) => verdict(i, i % 2 === 0)));
    await device(Array.from({ length: 30 }, (_, i) => verdict(i, i % 2 === 0)));
    expect(await job.run()).toMatchObject({ incremental: false, votes: 60 });
    await device(Array.from({ length: 40 }, (_, i) => verdict(i, i % 3 === 0)));
    expect(await job.run()).toMatchObject({ incremental: true, votes: 100 });
    const incremental = await probabilities();
    expect(incremental.size).toBe(40);
    expect(await job.run({ full: true })).toMatchObject({ incremental: false, votes: 100 });
    // EM stops within a tolerance: an update and a recompute agree to well within a percent.
    const full = await probabilities();
    for (const [photoId, probability] of incremental) expect(Math.abs(probability - full.get(photoId)!)).toBeLessThan(0.01);
  });

  it('starts over when a retraction takes a vote back', async () => {
    const first = verdict(1, true);
    const id = await device([first]);
    await job.run();
    await repository.storeEvents(id, [{ ...verdict(1, true), type: 'feedback-retracted', retracts: first.id } as FeedbackEvent], new Date());
    expect(await job.run()).toMatchObject({ incremental: false, votes: 0 });
  });

  it('runs one at a time, and by itself after it is told events arrived', async () => {
    await device([verdict(1, true)]);
    const runs = await Promise.all([job.run(), job.run(), job.run()]);
    expect(runs.map((run) => run.incremental)).toEqual([false, true, true]);
    await device([verdict(2, true)]);
    job.schedule();
    job.schedule();
    await expect.poll(async () => (await repository.latestConsensusRun())?.run.votes, { timeout: 5000 }).toBe(2);
  });
});
