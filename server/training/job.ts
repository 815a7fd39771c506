import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { decodeHead } from '../../models/head/encode-head.ts';
import { messageOf } from '../../models/pipeline/errors.ts';
import type { Manifest } from '../../models/pipeline/manifest.ts';
import { numberSetting } from '../config-error.ts';
import type { NewTagPolicy } from '../contract/admin.ts';
import type { TrainingProgress, TrainingRun, TrainingTrigger } from '../contract/training.ts';
import type { ModelRegistry } from '../models/registry.ts';
import type { PhotoEmbedding, Repository } from '../storage/repository.ts';
import { CONFIDENCE, EVERY_ITEM, isConfident } from './dataset.ts';
import { headVocabulary } from './taught-names.ts';
import type { TagReview } from './tag-review.ts';
import { taughtTagQueue, type QueuedTag } from './taught-tag-queue.ts';
import { tagSupport, type CrowdSupport } from './teachers.ts';
import { train, type TrainingInput } from './train.ts';

/** Confident new labels (on tags the head could learn) that make the job train by itself after a consensus run. */
export const DEFAULT_MIN_NEW_LABELS = 200;
/** How often a job that trains by itself looks for a new consensus run. */
export const DEFAULT_WATCH_MS = 60_000;
/** Setting: how many learnable labels the last run started from; "new labels" are counted against it. */
const LABELS_SEEN = 'training.labels-seen';

export interface TrainingJob {
  /** Starts a run unless one is running; either way answers the running run as it started and its end. */
  start(trigger: TrainingTrigger): StartedRun;
  /** The running run's stage, or null. */
  progress(): TrainingProgress | null;
  /** Called on every progress step; returns the unsubscribe. */
  onProgress(listener: (progress: TrainingProgress) => void): () => void;
  /** The new taught tags waiting for the head, with their evidence and what the next run would do with each. */
  taughtTags(): Promise<{ policy: NewTagPolicy; tags: QueuedTag[] }>;
  /** Stops looking for consensus runs and waits for the run in progress. */
  stop(): Promise<void>;
}

export interface StartedRun {
  /** The run as recorded when it started (status `running`). */
  run: TrainingRun;
  /** False when another run was already running: `run` and `finished` are that one's. */
  started: boolean;
  /** The run as recorded at its end; never rejects: a failure is a run with status `failed`. */
  finished: Promise<TrainingRun>;
}

export interface TrainingJobOptions {
  repository: Repository;
  registry: ModelRegistry;
  logger: Logger;
  /** Whether new taught tags wait for an admin's approval (./tag-review.ts). */
  newTags: NewTagPolicy;
  minNewLabels?: number;
  /** When set, looks this often for a new consensus run and trains when it brought minNewLabels new labels. */
  watchMs?: number;
  /** Training settings (tests make it quick); the defaults are ./train.ts's. */
  train?: TrainingInput['options'];
}

/** What a run reads before it trains. */
interface Loaded {
  manifest: Manifest;
  input: Omit<TrainingInput, 'onProgress' | 'options'>;
  /** Per base tag, the devices that answered about it: what a published correction says it learned from. */
  answerers: ReadonlyMap<string, number>;
}

/**
 * The training job: reads consensus labels and embeddings, trains a candidate head
 * (./train.ts), publishes it through the registry when it passes the gate, and records every
 * run. One run at a time per process: by API, by CLI, and by itself after consensus runs that
 * brought enough new labels (it polls the stored consensus, so runs by `wanwu aggregate` count too).
 */
export function createTrainingJob({ repository, registry, logger, newTags, minNewLabels = DEFAULT_MIN_NEW_LABELS, watchMs, train: options }: TrainingJobOptions): TrainingJob {
  let active: StartedRun | null = null;
  let current: TrainingProgress | null = null;
  const listeners = new Set<(progress: TrainingProgress) => void>();
  let seenConsensus: string | null = null;
  let supportRead: { key: string; crowd: CrowdSupport } | null = null;
  const timer = watchMs === undefined ? null : setInterval(() => void watch().catch((error: unknown) => logger.error({ err: error }, 'training schedule check failed')), watchMs);
  // Looking for work never keeps the process alive.
  timer?.unref();

  function report(runId: string, stage: TrainingProgress['stage'], done: number, total: number): void {
    current = { runId, stage, done, total };
    for (const listener of listeners) listener(current);
  }

  function start(trigger: TrainingTrigger): StartedRun {
    if (active) return { ...active, started: false };
    const run: TrainingRun = {
      id: randomUUID(), trigger, status: 'running', startedAt: new Date().toISOString(), finishedAt: null, durationMs: null,
      baseVersion: null, publishedVersion: null, data: null, candidate: null, current: null, decision: null, error: null,
    };
    const started: StartedRun = { run: { ...run }, started: true, finished: execute(run) };
    active = started;
    void started.finished.finally(() => {
      active = null;
      current = null;
    });
    return started;
  }

  async function execute(run: TrainingRun): Promise<TrainingRun> {
    const began = performance.now();
    try {
      report(run.id, 'loading', 0, 1);
      await repository.saveTrainingRun({ ...run });
      const { manifest, input, answerers } = await load();
      run.baseVersion = manifest.version;
      report(run.id, 'loading', 1, 1);
      const outcome = await train({ ...input, options, onProgress: (stage, done, total) => report(run.id, stage, done, total) });
      Object.assign(run, { data: outcome.data, candidate: outcome.candidate, current: outcome.current, decision: outcome.decision });
      // No candidate metrics: too little data to train or to judge one.
      if (!outcome.candidate) run.status = 'skipped';
      else if (!outcome.decision.publish || !outcome.head) run.status = 'refused';
      else {
        report(run.id, 'publishing', 0, 1);
        const tags = headVocabulary(outcome.head.tags, outcome.thresholds, manifest.tags, answerers);
        run.publishedVersion = (await registry.publish({ head: outcome.head, tags, runId: run.id })).version;
        run.status = 'published';
        report(run.id, 'publishing', 1, 1);
      }
    } catch (error) {
      logger.error({ err: error, runId: run.id }, 'training run failed');
      run.status = 'failed';
      run.error = messageOf(error);
    }
    run.finishedAt = new Date().toISOString();
    run.durationMs = Math.round(performance.now() - began);
    await repository.saveTrainingRun(run).catch((error: unknown) => logger.error({ err: error, runId: run.id }, 'could not record the training run'));
    logger.info({ training: { id: run.id, trigger: run.trigger, status: run.status, ms: run.durationMs, published: run.publishedVersion } }, 'training run');
    return run;
  }

  async function load(): Promise<Loaded> {
    const bundle = await registry.current();
    if (!bundle) throw new Error('There is no model bundle to train from: build one with `npm run models`');
    const { manifest } = bundle;
    const [{ learnable, baseTags, excluded, support, answerers, review }, embeddings] = await Promise.all([evidence(manifest), repository.photoEmbeddings()]);
    // Counted as the schedule counts them (watch): confident labels, on any tag.
    await repository.setSetting(LABELS_SEEN, String(learnable.filter(isConfident).length));
    const currentHead = await headOf(manifest);
    return {
      manifest,
      answerers,
      input: {
        items: learnable,
        embeddings,
        dims: currentHead?.head.dims ?? commonWidth(embeddings),
        baseTags,
        baseThresholds: new Map(manifest.tags.filter((tag) => baseTags.has(tag.id)).map((tag) => [tag.id, tag.threshold])),
        current: currentHead,
        excludedDevices: excluded,
        support,
        review,
      },
    };
  }

  /** The labels training may learn from, who taught each tag and what admins decided: read alike for a run and for the review queue. */
  async function evidence(manifest: Manifest) {
    const [items, devices, merges, decisions, latest] = await Promise.all([
      repository.confidentItems(EVERY_ITEM), repository.consensusDevices(), repository.tagMerges(), repository.tagDecisions(), repository.latestConsensusRun(),
    ]);
    const baseTags = baseTagsOf(manifest);
    // A tag merged into another is that tag from the next consensus run on, never a tag of its own.
    const learnable = items.filter((item) => !merges.has(item.tagKey));
    const excluded = devices.filter((d) => d.adminStatus === 'banned' || (d.quarantine !== null && d.adminStatus !== 'released')).map((d) => d.deviceId);
    // tagSupport reads every event: read again only when what it is read under has changed (the
    // dashboard asks for the queue on every refresh). Events since the latest run wait for the next
    // run, as their labels do.
    const key = JSON.stringify([latest?.run.at ?? null, manifest.version, [...merges], excluded]);
    if (supportRead?.key !== key) supportRead = { key, crowd: await tagSupport(repository, learnable, baseTags, new Set(excluded), merges) };
    const review: TagReview = { policy: newTags, decisions, merges };
    return { learnable, baseTags, excluded: excluded.length, support: supportRead.crowd.support, answerers: supportRead.crowd.answerers, review };
  }

  /** The current version's head and its tags' thresholds, or null when it has none. */
  async function headOf(manifest: Manifest) {
    const entry = manifest.models.find((model) => model.kind === 'head');
    if (!entry) return null;
    const bytes = await registry.fileBytes(manifest.version, entry.file);
    if (!bytes) throw new Error(`The head ${entry.file} of model ${manifest.version} is missing or damaged`);
    const head = decodeHead(bytes);
    const thresholds = new Map(manifest.tags.filter((tag) => head.tags.includes(tag.id)).map((tag) => [tag.id, tag.threshold]));
    return { head, thresholds };
  }

  /** After each new consensus run: trains when it brought enough new labels the head could learn. */
  async function watch(): Promise<void> {
    const latest = await repository.latestConsensusRun();
    if (active || !latest || latest.run.at === seenConsensus) return;
    seenConsensus = latest.run.at;
    const bundle = await registry.current();
    if (!bundle) return;
    const [items, merges, seen] = await Promise.all([repository.confidentItems(CONFIDENCE), repository.tagMerges(), repository.setting(LABELS_SEEN)]);
    const learnable = items.filter((item) => !merges.has(item.tagKey)).length;
    if (learnable - Number(seen ?? 0) >= minNewLabels) start('schedule');
  }

  return {
    start,
    progress: () => current,
    async taughtTags() {
      const bundle = await registry.current();
      if (!bundle) return { policy: newTags, tags: [] };
      const { learnable, support, review } = await evidence(bundle.manifest);
      const modelTags = new Set(bundle.manifest.models.flatMap((model) => model.classes));
      return { policy: newTags, tags: taughtTagQueue({ items: learnable, modelTags, support, review }) };
    },
    onProgress(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async stop() {
      if (timer) clearInterval(timer);
      await active?.finished;
    },
  };
}

/** The server's schedule: after consensus runs that brought WANWU_TRAIN_MIN_LABELS new labels (default 200). */
export function trainingScheduleFromEnv(env: NodeJS.ProcessEnv): Pick<TrainingJobOptions, 'minNewLabels' | 'watchMs'> {
  const minNewLabels = numberSetting(env, 'WANWU_TRAIN_MIN_LABELS', DEFAULT_MIN_NEW_LABELS, { min: 1, integer: true, unit: 'new consensus labels' });
  return { minNewLabels, watchMs: DEFAULT_WATCH_MS };
}

/** Tags the base models output (detector and classifier classes): the head corrects them rather than learning them anew. */
function baseTagsOf(manifest: Manifest): Set<string> {
  return new Set(manifest.models.flatMap((model) => (model.kind === 'head' ? [] : model.classes)));
}

/** Without a head yet, the embedding width most photos were sent with (apps on older bundles may send another). */
function commonWidth(embeddings: readonly PhotoEmbedding[]): number {
  const counts = new Map<number, number>();
  for (const { embedding } of embeddings) counts.set(embedding.length, (counts.get(embedding.length) ?? 0) + 1);
  return [...counts].reduce((best, entry) => (entry[1] > best[1] ? entry : best), [0, 0])[0];
}
