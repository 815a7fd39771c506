import type { Logger } from 'pino';
import type { ConsensusRun, DeviceStatus, PhotoConsensus } from '../contract/admin.ts';
import { UNKNOWN_NEED, type TagNeed } from '../contract/sync.ts';
import type { BundleStore } from '../models/bundle-store.ts';
import type { AdminDeviceStatus, ConsensusItem, Repository } from '../storage/repository.ts';
import { ConsensusEngine } from './aggregate.ts';
import type { ConsensusResult, ItemEstimate } from './types.ts';
import { VoteLedger, type LedgerUpdate } from './vote-ledger.ts';
import { askableTags } from './wanted-tags.ts';

/** Events read per repository call: bounded memory per page whatever the log's size. */
const PAGE = 5000;
/** How long after a sync that stored events the scheduled run starts: syncs arriving meanwhile join it. */
export const DEFAULT_AGGREGATE_DELAY_MS = 30_000;

export interface ConsensusJob {
  /** Runs after any run in progress; incremental when this process already holds the state, else full. */
  run(options?: { full?: boolean }): Promise<ConsensusRun>;
  /** Something changed (a sync stored events, an admin decided): a run follows within the delay, off the request path. */
  schedule(): void;
  /**
   * How the latest run reached each tag of one photo (null: nobody answered about it), from the
   * engine this process keeps: only that photo's votes are read. Statuses and weights are the run's,
   * so a device banned since shows as banned after the next run. Where this process holds no run
   * (just started, or the CLI ran since), it runs one first.
   */
  audit(photoId: string): Promise<PhotoConsensus | null>;
  /** The latest run's need per tag, for sync answers. */
  tagNeed(): Promise<TagNeed>;
  /** Waits for the run in progress and cancels a scheduled one. */
  stop(): Promise<void>;
}

export interface ConsensusJobOptions {
  repository: Repository;
  /** The current bundle's vocabulary: with the approved taught tags, what may be asked about (nobody answered yet included). */
  bundles: BundleStore;
  logger: Logger;
  delayMs?: number;
}

/** What one process keeps between runs so that the next one only adds new events. */
interface State {
  ledger: VoteLedger;
  engine: ConsensusEngine;
  /** What apps may be asked about; undefined without a model (nothing to check against, as sync checks nothing). */
  tags: string[] | undefined;
  cursor: string | null;
  /** The merges and askable tags it was built with: when they change (a merge, a new model, an admin's decision), the next run is full. */
  basis: string;
  statuses: Map<string, AdminDeviceStatus>;
  days: Map<string, number>;
  items: Map<string, ItemEstimate>;
  /** When this process's last run was stored: another writer (the CLI) makes the next run full. */
  storedAt: string;
}

/**
 * The consensus job: reads stored events into votes (./vote-ledger.ts), runs the engine
 * (./aggregate.ts) and stores its result. Runs one at a time: by API, by CLI, and on a schedule
 * after syncs. The first run in a process is full; later ones feed only the events stored since
 * to the engine and store only the items that changed. A merge of tags, a retraction or another
 * writer's run makes the engine start over from the ledger or from the events.
 */
export function createConsensusJob({ repository, bundles, logger, delayMs = DEFAULT_AGGREGATE_DELAY_MS }: ConsensusJobOptions): ConsensusJob {
  let state: State | null = null;
  let queue: Promise<unknown> = Promise.resolve();
  let timer: NodeJS.Timeout | null = null;
  let need: TagNeed | null = null;

  /** Runs and audits one at a time, in the order asked: an audit reads the engine a run leaves. */
  function serially<T>(task: () => Promise<T>): Promise<T> {
    const next = queue.then(task);
    queue = next.catch(() => {});
    return next;
  }

  function run({ full = false } = {}): Promise<ConsensusRun> {
    return serially(() => runOnce(full));
  }

  async function runOnce(full: boolean): Promise<ConsensusRun> {
    const started = performance.now();
    const [merges, statuses, latest, bundle, decisions] = await Promise.all([
      repository.tagMerges(), repository.adminDeviceStatuses(), repository.latestConsensusRun(), bundles.current(), repository.tagDecisions(),
    ]);
    const tags = bundle ? askableTags(bundle.manifest.tags.map((tag) => tag.id), decisions) : undefined;
    const basis = JSON.stringify([[...merges].sort(), tags]);
    const reuse = !full && state !== null && state.basis === basis && state.storedAt === latest?.run.at;
    const current = reuse && state ? state : freshState(merges, basis, tags);
    applyStatuses(current, statuses);
    const update = await readNewEvents(current);
    // The engine keeps each device's newest answer: a retraction (a vote gone, an older one back) starts it over from the ledger.
    const rebuild = !reuse || update.retracted;
    if (rebuild) {
      current.engine = new ConsensusEngine({ statuses: engineStatuses(current.statuses), tags: current.tags });
      current.engine.add(current.ledger.allVotes(), current.ledger.allScores());
    } else {
      current.engine.add(update.votes.flatMap((change) => (change.vote ? [change.vote] : [])), update.scores);
    }
    const result = current.engine.result();
    const items = changedItems(current, result, rebuild);
    const run: ConsensusRun = { at: new Date().toISOString(), ms: 0, votes: current.ledger.votes, incremental: !rebuild };
    run.ms = Math.round(performance.now() - started);
    const feedbackPerDay = [...current.days].sort(([a], [b]) => a.localeCompare(b)).map(([day, events]) => ({ day, events }));
    await repository.saveConsensus({ run, items, devices: result.devices, need: result.need, feedbackPerDay, alerts: result.alerts }, rebuild ? 'replace' : 'update');
    current.storedAt = run.at;
    state = current;
    need = result.need;
    logger.info({ consensus: { ...run, items: items.length, quarantined: result.devices.filter((d) => d.quarantine).length } }, 'consensus run');
    for (const { rule, tagKey, devices, share, evidence } of result.alerts) logger.warn({ alert: { rule, tagKey, devices: devices.length, share } }, evidence);
    return run;
  }

  function audit(photoId: string): Promise<PhotoConsensus | null> {
    return serially(async () => {
      const latest = await repository.latestConsensusRun();
      if (!state || state.storedAt !== latest?.run.at) await runOnce(false);
      // runOnce always leaves its state behind.
      const tags = state!.engine.audit(photoId);
      return tags && { photoId, tags };
    });
  }

  async function readNewEvents(current: State): Promise<LedgerUpdate> {
    const update: LedgerUpdate = { votes: [], scores: [], retracted: false };
    for (;;) {
      const page = await repository.eventsAfter(current.cursor, PAGE);
      current.cursor = page.cursor;
      const changes = current.ledger.apply(page.events);
      // A page of "all correct" events holds hundreds of thousands of votes: push(...) would overflow the stack.
      for (const vote of changes.votes) update.votes.push(vote);
      for (const score of changes.scores) update.scores.push(score);
      update.retracted ||= changes.retracted;
      for (const event of page.events) {
        const day = event.at.toISOString().slice(0, 10);
        current.days.set(day, (current.days.get(day) ?? 0) + 1);
      }
      if (page.events.length < PAGE) return update;
    }
  }

  /** Item estimates to store: all after a rebuild, else those whose estimate moved. */
  function changedItems(current: State, result: ConsensusResult, all: boolean): ConsensusItem[] {
    const items: ConsensusItem[] = [];
    const previous = current.items;
    current.items = new Map();
    for (const item of result.items) {
      const key = `${item.photoId}\n${item.tagKey}`;
      current.items.set(key, item);
      const before = previous.get(key);
      if (all || !before || before.probability !== item.probability || before.votes !== item.votes || before.hard !== item.hard) {
        items.push({ ...item, modelScore: current.ledger.scoreOf(item.photoId, item.tagKey) });
      }
    }
    return items;
  }

  return {
    run,
    audit,

    schedule() {
      if (timer) return;
      timer = setTimeout(() => {
        timer = null;
        run().catch((error: unknown) => logger.error({ err: error }, 'scheduled consensus run failed'));
      }, delayMs);
      // A pending run never keeps the process alive: the next start runs in full anyway.
      timer.unref();
    },

    async tagNeed() {
      need ??= (await repository.latestConsensusRun())?.need ?? UNKNOWN_NEED;
      return need;
    },

    async stop() {
      if (timer) clearTimeout(timer);
      timer = null;
      await queue;
    },
  };
}

function freshState(merges: ReadonlyMap<string, string>, basis: string, tags: string[] | undefined): State {
  return {
    ledger: new VoteLedger(merges),
    engine: new ConsensusEngine({ tags }),
    cursor: null,
    basis,
    tags,
    statuses: new Map(),
    days: new Map(),
    items: new Map(),
    storedAt: '',
  };
}

/** The engine's word for an admin's decision: a released device is pinned active, never quarantined again. */
function engineStatus(status: AdminDeviceStatus): DeviceStatus {
  return status === 'banned' ? 'banned' : 'active';
}

function engineStatuses(statuses: ReadonlyMap<string, AdminDeviceStatus>): [string, DeviceStatus][] {
  return [...statuses].map(([deviceId, status]) => [deviceId, engineStatus(status)]);
}

/** Admin decisions made since the last run reach the engine. */
function applyStatuses(current: State, statuses: Map<string, AdminDeviceStatus>): void {
  for (const [deviceId, status] of statuses) {
    if (current.statuses.get(deviceId) !== status) current.engine.setStatus(deviceId, engineStatus(status));
  }
  current.statuses = statuses;
}
