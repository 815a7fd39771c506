import { grow, type TableChanges, type VoteTable } from './vote-table.ts';

/**
 * Beta priors on each device's sensitivity and specificity: a new device starts at 2/3 both
 * (reliability 1/3), widely uncertain. A stronger prior (Beta(4, 1)) trusted everyone's first
 * answers so much that EM sometimes settled on a coordinated 30 % minority's side in small crowds.
 */
export const DEVICE_PRIOR = { present: 2, absent: 1 } as const;
/** Beta prior on a tag's prevalence: most tags are absent from most photos. */
const PREVALENCE_PRIOR = { present: 1, absent: 2 } as const;
/** The model's log-odds count this much: one weak voter (a score of 0.99 is worth ±1.4). */
const MODEL_WEIGHT = 0.3;
/** A weight or prior moving less than this (in log-odds) is not worth re-estimating its items for. */
const TOLERANCE = 2e-2;
/** The same for a tag's prior, which every item of the tag shares: moving it re-estimates them all. */
const TAG_TOLERANCE = 5e-2;
const MAX_SWEEPS = 200;

/**
 * Binary Dawid–Skene EM per (photo, tag) item, run as propagation: an item is re-estimated only when
 * a vote, score, device weight or tag prior it depends on has moved, and device statistics are kept
 * as running sums updated by difference. A full run is the same loop starting with every item
 * pending; an incremental one starts from the current estimates with only the touched items pending.
 */
export class DawidSkene {
  /** Per item: P(present) and its log-odds. */
  probability = new Float64Array(0);
  logOdds = new Float64Array(0);
  /** Per device: expected present items answered (n1) and answered "present" (s1), likewise absent. */
  private s1 = new Float64Array(0);
  private n1 = new Float64Array(0);
  private s0 = new Float64Array(0);
  private n0 = new Float64Array(0);
  /** Per device: log-likelihood ratio of a "present" and of an "absent" answer, and what items last saw. */
  private weightPresent = new Float64Array(0);
  private weightAbsent = new Float64Array(0);
  private seenPresent = new Float64Array(0);
  private seenAbsent = new Float64Array(0);
  /** The weights as items use them: 0 while the device is excluded. */
  private usedPresent = new Float64Array(0);
  private usedAbsent = new Float64Array(0);
  /** Per device: 1 while quarantined or banned (its votes leave the items, its statistics stay). */
  private excluded = new Uint8Array(0);
  /** Per tag: sum of item probabilities, prior log-odds and what items last saw. */
  private tagSum = new Float64Array(0);
  private tagLogit = new Float64Array(0);
  private tagSeen = new Float64Array(0);

  private readonly pending = new WorkList();
  /** Devices and tags whose sums moved since their last estimate (flags: setting one is a single store). */
  private dirtyDevices = new Uint8Array(0);
  private dirtyTags = new Uint8Array(0);
  /**
   * How far each item's log-odds moved since the rules last looked (summed), and per device the most
   * any of its items moved plus how far its own used weights moved: a bound on how far "everyone
   * else" moved on any of its answers, so the rules re-judge only devices it could have changed.
   */
  private itemDrift = new Float64Array(0);
  private deviceDrift = new Float64Array(0);

  constructor(private readonly table: VoteTable) {}

  /** Takes in new votes, answers and scores at the current estimates and marks their items pending. */
  absorb(changes: TableChanges): void {
    const table = this.table;
    this.ensureCapacity();
    for (let item = changes.firstNewItem; item < table.itemCount; item++) {
      const tag = table.itemTag[item];
      this.logOdds[item] = this.tagLogit[tag] + this.modelTerm(item);
      this.probability[item] = sigmoid(this.logOdds[item]);
      this.tagSum[tag] += this.probability[item];
      this.dirtyTags[tag] = 1;
      this.pending.add(item);
    }
    for (const { vote, previous } of changes.relabelled) {
      this.count(vote, previous, -1);
      this.count(vote, table.voteLabel[vote], 1);
      this.pending.add(table.voteItem[vote]);
    }
    for (let vote = changes.firstNewVote; vote < table.voteCount; vote++) {
      this.count(vote, table.voteLabel[vote], 1);
      this.pending.add(table.voteItem[vote]);
    }
    for (const item of changes.rescored) this.pending.add(item);
  }

  /** Quarantines or bans (true) or includes (false) a device; its items are re-estimated. */
  setExcluded(device: number, excluded: boolean): void {
    if (Boolean(this.excluded[device]) === excluded) return;
    this.excluded[device] = excluded ? 1 : 0;
    this.use(device, excluded ? 0 : this.weightPresent[device], excluded ? 0 : this.weightAbsent[device]);
    this.seenPresent[device] = this.weightPresent[device];
    this.seenAbsent[device] = this.weightAbsent[device];
    this.markItemsOf(device);
  }

  /** How far everyone else may have moved on the device's answers since the last `resetDrift`. */
  drift(device: number): number {
    return this.deviceDrift[device];
  }

  resetDrift(): void {
    this.itemDrift.fill(0);
    this.deviceDrift.fill(0);
  }

  isExcluded(device: number): boolean {
    return this.excluded[device] === 1;
  }

  /** Runs EM sweeps until nothing pending moves; returns the number of sweeps. */
  propagate(): number {
    let sweeps = 0;
    while (this.pending.size > 0 && sweeps < MAX_SWEEPS) {
      sweeps++;
      for (const item of this.pending.drain()) this.estimateItem(item);
      for (let device = 0; device < this.table.devices.size; device++) {
        if (!this.dirtyDevices[device]) continue;
        this.dirtyDevices[device] = 0;
        this.estimateDevice(device);
      }
      for (let tag = 0; tag < this.table.tags.size; tag++) {
        if (!this.dirtyTags[tag]) continue;
        this.dirtyTags[tag] = 0;
        this.estimateTag(tag);
      }
    }
    return sweeps;
  }

  /** What a device's answer adds to its item's log-odds (0 while the device is excluded). */
  contribution(device: number, label: number): number {
    return label ? this.usedPresent[device] : this.usedAbsent[device];
  }

  /** Posterior means and the standard deviation of sensitivity + specificity − 1. */
  reliability(device: number): { sensitivity: number; specificity: number; reliability: number; uncertainty: number } {
    const sens = betaPosterior(this.s1[device], this.n1[device]);
    const spec = betaPosterior(this.s0[device], this.n0[device]);
    return {
      sensitivity: sens.mean,
      specificity: spec.mean,
      reliability: sens.mean + spec.mean - 1,
      uncertainty: Math.sqrt(sens.variance + spec.variance),
    };
  }

  private estimateItem(item: number): void {
    const { itemTag } = this.table;
    const { itemStart, itemVoteDevice, itemVoteLabel } = this.table.grouped();
    const { usedPresent, usedAbsent, n1, n0, s1, s0, dirtyDevices, deviceDrift } = this;
    const from = itemStart[item];
    const to = itemStart[item + 1];
    let logOdds = this.tagLogit[itemTag[item]] + this.modelTerm(item);
    for (let k = from; k < to; k++) logOdds += itemVoteLabel[k] ? usedPresent[itemVoteDevice[k]] : usedAbsent[itemVoteDevice[k]];
    const drift = (this.itemDrift[item] += Math.abs(logOdds - this.logOdds[item]));
    const probability = sigmoid(logOdds);
    const change = probability - this.probability[item];
    this.logOdds[item] = logOdds;
    if (drift > 0) for (let k = from; k < to; k++) deviceDrift[itemVoteDevice[k]] = Math.max(deviceDrift[itemVoteDevice[k]], drift);
    if (change === 0) return;
    // Every voter's expected counts move with the item (the M-step's sums, kept by difference).
    for (let k = from; k < to; k++) {
      const device = itemVoteDevice[k];
      n1[device] += change;
      n0[device] -= change;
      if (itemVoteLabel[k]) s1[device] += change;
      else s0[device] -= change;
      dirtyDevices[device] = 1;
    }
    this.probability[item] = probability;
    this.tagSum[itemTag[item]] += change;
    this.dirtyTags[itemTag[item]] = 1;
  }

  /** Adds (sign 1) or removes (−1) a whole vote's expected counts at its item's current probability. */
  private count(vote: number, label: number, sign: number): void {
    const device = this.table.voteDevice[vote];
    const p = this.probability[this.table.voteItem[vote]];
    this.n1[device] += sign * p;
    this.n0[device] += sign * (1 - p);
    if (label) this.s1[device] += sign * p;
    else this.s0[device] += sign * (1 - p);
    this.dirtyDevices[device] = 1;
  }

  private estimateDevice(device: number): void {
    const sensitivity = (DEVICE_PRIOR.present + this.s1[device]) / (DEVICE_PRIOR.present + DEVICE_PRIOR.absent + this.n1[device]);
    const specificity = (DEVICE_PRIOR.present + this.s0[device]) / (DEVICE_PRIOR.present + DEVICE_PRIOR.absent + this.n0[device]);
    this.weightPresent[device] = Math.log(sensitivity / (1 - specificity));
    this.weightAbsent[device] = Math.log((1 - sensitivity) / specificity);
    if (this.excluded[device]) return;
    this.use(device, this.weightPresent[device], this.weightAbsent[device]);
    const moved =
      Math.abs(this.weightPresent[device] - this.seenPresent[device]) > TOLERANCE ||
      Math.abs(this.weightAbsent[device] - this.seenAbsent[device]) > TOLERANCE;
    if (!moved) return;
    this.seenPresent[device] = this.weightPresent[device];
    this.seenAbsent[device] = this.weightAbsent[device];
    this.markItemsOf(device);
  }

  private estimateTag(tag: number): void {
    const items = this.table.tagItems[tag].length;
    const prevalence = (PREVALENCE_PRIOR.present + this.tagSum[tag]) / (PREVALENCE_PRIOR.present + PREVALENCE_PRIOR.absent + items);
    this.tagLogit[tag] = Math.log(prevalence / (1 - prevalence));
    if (Math.abs(this.tagLogit[tag] - this.tagSeen[tag]) <= TAG_TOLERANCE) return;
    this.tagSeen[tag] = this.tagLogit[tag];
    for (const item of this.table.tagItems[tag]) this.pending.add(item);
  }

  private use(device: number, present: number, absent: number): void {
    this.deviceDrift[device] += Math.max(Math.abs(present - this.usedPresent[device]), Math.abs(absent - this.usedAbsent[device]));
    this.usedPresent[device] = present;
    this.usedAbsent[device] = absent;
  }

  private markItemsOf(device: number): void {
    const { deviceStart, deviceVoteItem } = this.table.grouped();
    for (let k = deviceStart[device]; k < deviceStart[device + 1]; k++) this.pending.add(deviceVoteItem[k]);
  }

  private modelTerm(item: number): number {
    const score = this.table.itemScore[item];
    if (Number.isNaN(score)) return 0;
    const clamped = Math.min(0.99, Math.max(0.01, score));
    return MODEL_WEIGHT * Math.log(clamped / (1 - clamped));
  }

  /** Sizes the arrays for the table's items, devices and tags. */
  ensureCapacity(): void {
    const { itemCount, devices, tags } = this.table;
    if (itemCount > this.probability.length) {
      const size = Math.max(itemCount, this.probability.length * 2);
      this.probability = grow(this.probability, size);
      this.logOdds = grow(this.logOdds, size);
      this.itemDrift = grow(this.itemDrift, size);
    }
    if (devices.size > this.s1.length) {
      const first = this.s1.length;
      const size = Math.max(devices.size, first * 2);
      for (const name of ['s1', 'n1', 's0', 'n0', 'weightPresent', 'weightAbsent', 'seenPresent', 'seenAbsent', 'usedPresent', 'usedAbsent', 'deviceDrift'] as const) {
        this[name] = grow(this[name], size);
      }
      this.excluded = grow(this.excluded, size);
      this.dirtyDevices = grow(this.dirtyDevices, size);
      // A device with no votes yet: the prior alone, as if items had already seen it.
      const { sensitivity, specificity } = this.reliability(first);
      this.weightPresent.fill(Math.log(sensitivity / (1 - specificity)), first);
      this.weightAbsent.fill(Math.log((1 - sensitivity) / specificity), first);
      this.seenPresent.fill(this.weightPresent[first], first);
      this.seenAbsent.fill(this.weightAbsent[first], first);
      this.usedPresent.fill(this.weightPresent[first], first);
      this.usedAbsent.fill(this.weightAbsent[first], first);
    }
    if (tags.size > this.tagSum.length) {
      const first = this.tagSum.length;
      const size = Math.max(tags.size, first * 2);
      this.tagSum = grow(this.tagSum, size);
      this.tagLogit = grow(this.tagLogit, size);
      this.tagSeen = grow(this.tagSeen, size);
      this.dirtyTags = grow(this.dirtyTags, size);
      const prior = Math.log(PREVALENCE_PRIOR.present / PREVALENCE_PRIOR.absent);
      this.tagLogit.fill(prior, first);
      this.tagSeen.fill(prior, first);
    }
  }
}

function betaPosterior(successes: number, trials: number): { mean: number; variance: number } {
  const a = DEVICE_PRIOR.present + successes;
  const b = DEVICE_PRIOR.absent + trials - successes;
  const n = a + b;
  return { mean: a / n, variance: (a * b) / (n * n * (n + 1)) };
}

export function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/** A de-duplicated set of indexes (flags grow with it), taken out in ascending order. */
class WorkList {
  private items = new Int32Array(1024);
  private count = 0;
  private flags = new Uint8Array(1024);

  get size(): number {
    return this.count;
  }

  add(index: number): void {
    if (index >= this.flags.length) this.flags = grow(this.flags, Math.max(index + 1, this.flags.length * 2));
    if (this.flags[index]) return;
    this.flags[index] = 1;
    if (this.count === this.items.length) this.items = grow(this.items);
    this.items[this.count++] = index;
  }

  /**
   * Takes every index out (new ones added meanwhile wait for the next drain), sorted: a sweep then
   * walks the per-item and per-vote arrays in memory order instead of jumping around them (3× faster).
   */
  drain(): Int32Array {
    const items = this.items.slice(0, this.count).sort();
    this.count = 0;
    for (const index of items) this.flags[index] = 0;
    return items;
  }
}
