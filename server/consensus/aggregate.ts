import type { AuditedStatus, DeviceStatus, PhotoConsensus } from '../contract/admin.ts';
import { CollusionFinder } from './collusion.ts';
import { DawidSkene } from './dawid-skene.ts';
import { gatherEvidence, holdBackCascades, judge, medianGap, tagCounters, type Quarantine } from './quarantine.ts';
import type { ConsensusAlert, ConsensusResult, DeviceEstimate, ItemEstimate, ModelScore, Vote } from './types.ts';
import { grow, VoteTable } from './vote-table.ts';
import { tagNeeds } from './wanted-tags.ts';

export interface AggregateOptions {
  /**
   * An admin's decisions: 'active' releases a device (no rule quarantines it again), 'quarantined'
   * and 'banned' keep it out. Devices not listed are judged by the rules on every run.
   */
  statuses?: Iterable<readonly [deviceId: string, status: DeviceStatus]>;
  /** Every tag apps may ask about (./wanted-tags.ts askableTags): only these have a need, those nobody answered yet too. All when not given. */
  tags?: readonly string[];
}

/**
 * The model was confidently wrong: it said present at this score or more, or absent at this or
 * less. 0.5 is the model shrugging, not a claim, so "confident" starts above it.
 */
export const HARD_EXAMPLE = { presentScore: 0.6, absentScore: 0.1, wrongBy: 0.1 } as const;
/** Quarantine rules and EM alternate at most this often per run (excluded devices reshape consensus). */
const MAX_ROUNDS = 4;
/** Slack below this (in log-odds) is too close to the rules' thresholds to trust across rounding. */
const SLACK_ROUNDING = 1e-9;

/** One full run over all votes. */
export function aggregate(votes: readonly Vote[], scores: readonly ModelScore[], options: AggregateOptions = {}): ConsensusResult {
  return new ConsensusEngine(options).add(votes, scores);
}

/**
 * The consensus kept in memory and updated as votes arrive: new votes are taken in at the current
 * estimates and EM re-estimates only what they move (see DawidSkene); the rules then judge every
 * device again, which is one linear pass.
 */
export class ConsensusEngine {
  private readonly table = new VoteTable();
  private readonly em = new DawidSkene(this.table);
  private readonly collusion = new CollusionFinder();
  private readonly pinned = new Map<number, DeviceStatus>();
  private readonly askable: ReadonlySet<string> | null;
  private findings = new Map<number, Quarantine>();
  private alerts: ConsensusAlert[] = [];
  /**
   * Per device: the rules it broke when last judged (collusion aside) and how much further everyone
   * else may move on its answers before that could change; NaN slack means "judge again".
   */
  private broken: Quarantine[][] = [];
  private slack = new Float64Array(0);
  /** Median answer gap per device, NaN until computed; devices with new votes are recomputed. */
  private gaps = new Map<number, number>();
  /**
   * Devices on a rule's threshold: set aside while their answers count, cleared once set aside (which
   * moves consensus a little), then set aside again. They stay out, with the rule's finding, until
   * they send new answers; before, each run set them aside and released them in turn until
   * MAX_ROUNDS, re-estimating consensus every time.
   */
  private onThreshold = new Map<number, Quarantine>();
  /** Devices the rules released since they last sent answers. */
  private released = new Set<number>();
  private cached: ConsensusResult | null = null;
  private iterations = 0;

  constructor(options: AggregateOptions = {}) {
    this.askable = options.tags ? new Set(options.tags) : null;
    for (const tag of options.tags ?? []) this.table.tags.intern(tag);
    for (const [deviceId, status] of options.statuses ?? []) this.pinned.set(this.table.devices.intern(deviceId), status);
  }

  /** Takes in new votes (a device's newer answer replaces its older one) and model scores. */
  add(votes: readonly Vote[], scores: readonly ModelScore[] = []): ConsensusResult {
    const started = performance.now();
    const changes = this.table.add(votes, scores);
    this.em.absorb(changes);
    const touched = new Set<number>();
    for (let vote = changes.firstNewVote; vote < this.table.voteCount; vote++) touched.add(this.table.voteDevice[vote]);
    const relabelled = new Set(changes.relabelled.map(({ vote }) => this.table.voteDevice[vote]));
    for (const device of relabelled) touched.add(device);
    if (this.slack.length < this.table.devices.size) this.slack = grow(this.slack, Math.max(this.table.devices.size, this.slack.length * 2)).fill(NaN, this.slack.length);
    for (const device of touched) {
      this.gaps.delete(device);
      this.slack[device] = NaN;
      this.onThreshold.delete(device);
      this.released.delete(device);
    }
    this.collusion.update(this.table, changes.firstNewVote, relabelled, touched);
    this.iterations = 0;
    this.settle();
    return this.build(started);
  }

  /** An admin's decision; takes effect in the next result. */
  setStatus(deviceId: string, status: DeviceStatus): void {
    this.pinned.set(this.table.devices.intern(deviceId), status);
    this.cached = null;
  }

  result(): ConsensusResult {
    if (this.cached) return this.cached;
    const started = performance.now();
    this.iterations = 0;
    this.settle();
    return this.build(started);
  }

  /**
   * How the current result reached each tag of one photo (null: no votes about it): the prior, the
   * model's weight and every answer's weight with its device's status. Reads only that photo's votes.
   */
  audit(photoId: string): PhotoConsensus['tags'] | null {
    this.result();
    const { table, em } = this;
    const items = table.itemsOfPhoto(photoId);
    if (items.length === 0) return null;
    return items.map((item) => {
      const score = table.itemScore[item];
      return {
        tagKey: table.tags.names[table.itemTag[item]],
        probability: em.probability[item],
        prior: em.prior(table.itemTag[item]),
        model: Number.isNaN(score) ? null : { score, weight: em.modelTerm(item) },
        answers: table.votesOfItem(item).map((vote) => ({
          deviceId: table.devices.names[table.voteDevice[vote]],
          answer: table.voteLabel[vote] ? ('present' as const) : ('absent' as const),
          weight: em.weight(table.voteSource[vote], table.voteLabel[vote]),
          status: this.statusOf(table.voteDevice[vote]),
        })),
      };
    });
  }

  /** An admin's decision wins (a device pinned active was released); else what the rules found. */
  private statusOf(device: number): AuditedStatus {
    const pinned = this.pinned.get(device);
    if (pinned === 'active') return 'released';
    return pinned ?? (this.findings.has(device) ? 'quarantined' : 'active');
  }

  /** EM, then the rules, then EM again without the devices they exclude, until no device changes side. */
  private settle(): void {
    this.em.ensureCapacity();
    this.iterations += this.em.propagate();
    for (let round = 0; round < MAX_ROUNDS; round++) {
      ({ quarantined: this.findings, alerts: this.alerts } = this.judgeAll());
      for (const [device, finding] of this.onThreshold) if (!this.findings.has(device)) this.findings.set(device, finding);
      let changed = false;
      for (let device = 0; device < this.table.devices.size; device++) {
        const status = this.pinned.get(device);
        const excluded = status === undefined ? this.findings.has(device) : status !== 'active';
        if (this.em.isExcluded(device) === excluded) continue;
        if (status === undefined && !excluded) this.released.add(device);
        if (status === undefined && excluded && this.released.has(device)) this.onThreshold.set(device, this.findings.get(device)!);
        this.em.setExcluded(device, excluded);
        changed = true;
      }
      if (!changed) return;
      this.iterations += this.em.propagate();
    }
  }

  /** Every rule each device breaks, then which of them quarantine (see holdBackCascades). */
  private judgeAll(): { quarantined: Map<number, Quarantine>; alerts: ConsensusAlert[] } {
    const { table } = this;
    const judged = (device: number) => !this.pinned.has(device);
    const broken = new Map<string, Quarantine[]>();
    const counters = tagCounters(table.tags.size);
    for (let device = 0; device < table.devices.size; device++) {
      if (!judged(device)) continue;
      // Rounding aside, a device that everyone else moved less than its slack on answers as before.
      this.slack[device] -= this.em.drift(device);
      if (!(this.slack[device] > SLACK_ROUNDING)) {
        const { evidence, slack } = gatherEvidence(table, this.em, device, this.gapOf(device), counters);
        this.broken[device] = judge(evidence);
        this.slack[device] = slack;
      }
      if (this.broken[device].length > 0) broken.set(table.devices.names[device], this.broken[device]);
    }
    this.em.resetDrift();
    for (const [device, evidence] of this.collusion.find(table, this.em, judged)) {
      const name = table.devices.names[device];
      broken.set(name, [...(broken.get(name) ?? []), { reason: 'collusion', evidence, tagKey: null }]);
    }
    const [active, answerers] = this.activeDevices();
    const { quarantined, alerts } = holdBackCascades(broken, active, answerers);
    const findings = new Map<number, Quarantine>();
    for (const [name, finding] of quarantined) findings.set(table.devices.intern(name), finding);
    return { quarantined: findings, alerts };
  }

  /** Devices whose answers count unless a rule sets them aside (all but those an admin excluded), in all and per tag. */
  private activeDevices(): [active: number, answerers: Map<string, number>] {
    const { table } = this;
    const { deviceStart } = table.grouped();
    const isActive = (device: number) => deviceStart[device + 1] > deviceStart[device] && (this.pinned.get(device) ?? 'active') === 'active';
    let active = 0;
    for (let device = 0; device < table.devices.size; device++) if (isActive(device)) active++;
    const answerers = new Map<string, number>();
    for (let source = 0; source < table.sourceCount; source++) {
      if (!isActive(table.sourceDevice[source])) continue;
      const tagKey = table.tags.names[table.sourceTag[source]];
      answerers.set(tagKey, (answerers.get(tagKey) ?? 0) + 1);
    }
    return [active, answerers];
  }

  private gapOf(device: number): number {
    let gap = this.gaps.get(device);
    if (gap === undefined) {
      const { deviceStart, deviceVotes } = this.table.grouped();
      const times = new Float64Array(deviceStart[device + 1] - deviceStart[device]);
      for (let k = 0; k < times.length; k++) times[k] = this.table.voteAt[deviceVotes[deviceStart[device] + k]];
      gap = medianGap(times);
      this.gaps.set(device, gap);
    }
    return gap;
  }

  private build(started: number): ConsensusResult {
    const { table, em } = this;
    const { itemStart, itemVotes, deviceStart } = table.grouped();
    const items: ItemEstimate[] = new Array(table.itemCount);
    const confident = new Int32Array(table.tags.size);
    const disputed = new Int32Array(table.tags.size);
    for (let item = 0; item < table.itemCount; item++) {
      let votes = 0;
      let present = 0;
      for (let k = itemStart[item]; k < itemStart[item + 1]; k++) {
        if (em.isExcluded(table.voteDevice[itemVotes[k]])) continue;
        votes++;
        present += table.voteLabel[itemVotes[k]];
      }
      const probability = em.probability[item];
      if (probability <= 0.1 || probability >= 0.9) confident[table.itemTag[item]]++;
      if (present > 0 && present < votes) disputed[table.itemTag[item]]++;
      items[item] = {
        photoId: table.photos.names[table.itemPhoto[item]],
        tagKey: table.tags.names[table.itemTag[item]],
        probability,
        votes,
        hard: isHard(table.itemScore[item], probability),
      };
    }
    const devices: DeviceEstimate[] = [];
    for (let device = 0; device < table.devices.size; device++) {
      const votes = deviceStart[device + 1] - deviceStart[device];
      if (votes === 0) continue;
      const finding = this.findings.get(device);
      devices.push({ deviceId: table.devices.names[device], ...em.reliability(device), votes, quarantine: finding ? { reason: finding.reason, evidence: finding.evidence } : null });
    }
    const tags = table.tags.names.map((tagKey, tag) => ({ tagKey, items: table.tagItems[tag]?.length ?? 0, confident: confident[tag], disputed: disputed[tag] }));
    this.cached = { items, devices, alerts: this.alerts, need: tagNeeds(tags, this.askable), iterations: this.iterations, ms: performance.now() - started };
    return this.cached;
  }
}

function isHard(score: number, probability: number): boolean {
  if (Number.isNaN(score)) return false;
  return (
    (score >= HARD_EXAMPLE.presentScore && probability <= HARD_EXAMPLE.wrongBy) ||
    (score <= HARD_EXAMPLE.absentScore && probability >= 1 - HARD_EXAMPLE.wrongBy)
  );
}
