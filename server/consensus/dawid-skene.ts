import { grow, type TableChanges, type VoteTable } from './vote-table.ts';

/**
 * Before its answers say otherwise, a device is believed a little better than chance, as firmly as
 * if it had given this many answers: trust is earned. A new device's answer moves an item's
 * log-odds by 0.4, an established careful device's by about 3. (It was 2/3 held as three answers:
 * 0.69 from the first answer, near full trust after a dozen.) Weaker (0.55 held as 20 answers),
 * two new devices agreeing on all six of their answers could no longer outweigh a model score of 0.8.
 */
export const DEVICE_PRIOR = { mean: 0.6, answers: 20 } as const;
/**
 * A device's sensitivity and specificity on one tag start from its overall accuracy, held as firmly as
 * this many answers on that tag: trust earned on most tags does not carry over to a tag it answers
 * the opposite way. With one pair per device, attackers who answer honestly except on the tags
 * they attack looked as good as careful people, and once they were a third of the crowd EM
 * settled on their side of those tags (the README's "Who to believe" tells the whole story).
 */
const TAG_PRIOR_ANSWERS = 4;
/**
 * A device counts fully in an item's first estimate from this many answers on, in proportion to
 * its answers below. With every vote counted alike, six new devices with 19 answers each started
 * ahead of three established ones on the photos they disputed, and EM stayed there: on that tag
 * the established devices looked wrong, were trusted less, and were set aside as "opposite".
 */
const ESTABLISHED_ANSWERS = 40;
/**
 * What one answer moves a new item's first estimate by (log-odds), from the item's most experienced
 * voter; others in proportion to their experience. The first estimate is the answers and the model,
 * never the tag's prior: a new tag starts at the prior's "mostly absent", and in the flywheel
 * simulation, where nine in ten shown tags are right, starting there made 40 % (in a toy, 20 %) of
 * devices that deny every right tag look right and every honest device look wrong, and EM kept it.
 * Small, so that the model's score still decides where attackers outnumber the honest answerers of an
 * item (0.3 keeps `simulate crowd --sweep` at least as good as majority vote in every cell; 1 did not).
 */
const START_VOTE = 0.3;
/** Beta prior on a tag's prevalence: most tags are absent from most photos. */
const PREVALENCE_PRIOR = { present: 1, absent: 2 } as const;
/** The model's log-odds count this much: one weak voter (a score of 0.99 is worth ±1.4). */
const MODEL_WEIGHT = 0.3;
/** A weight or prior moving less than this (in log-odds) is not worth re-estimating its items for (1e-2 left votes taken in batches up to 0.03 from a full run). */
const TOLERANCE = 5e-3;
/** The same for a tag's prior, which every item of the tag shares: moving it re-estimates them all. */
const TAG_TOLERANCE = 5e-2;
const MAX_SWEEPS = 200;

/**
 * Binary Dawid–Skene EM per (photo, tag) item, with a sensitivity and a specificity per source (a
 * device on one tag) drawn towards the device's overall ones. It runs as propagation: an item is
 * re-estimated only when a vote, score, source weight or tag prior it depends on has moved, and
 * source statistics are kept as running sums updated by difference. A full run is the same loop
 * starting with every item pending; an incremental one starts from the current estimates with only
 * the touched items pending.
 */
export class DawidSkene {
  /** Per item: P(present) and its log-odds. */
  probability = new Float64Array(0);
  logOdds = new Float64Array(0);
  /** Per source: expected present items answered (n1) and answered "present" (s1), likewise absent. */
  private s1 = new Float64Array(0);
  private n1 = new Float64Array(0);
  private s0 = new Float64Array(0);
  private n0 = new Float64Array(0);
  /** Per source: log-likelihood ratio of a "present" and of an "absent" answer, and what items last saw. */
  private weightPresent = new Float64Array(0);
  private weightAbsent = new Float64Array(0);
  private seenPresent = new Float64Array(0);
  private seenAbsent = new Float64Array(0);
  /** The weights as items use them: 0 while the source's device is excluded. */
  private usedPresent = new Float64Array(0);
  private usedAbsent = new Float64Array(0);
  /** Sources below this have had their weights set. */
  private knownSources = 0;
  /** Per device: the same counts over all its sources. */
  private deviceS1 = new Float64Array(0);
  private deviceN1 = new Float64Array(0);
  private deviceS0 = new Float64Array(0);
  private deviceN0 = new Float64Array(0);
  /** Per device: the overall accuracy its sources' sensitivity and specificity are drawn towards (see recentre). */
  private centreAccuracy = new Float64Array(0);
  /** Per device: 1 while quarantined or banned (its votes leave the items, its statistics stay). */
  private excluded = new Uint8Array(0);
  /** Per tag: sum of item probabilities, prior log-odds and what items last saw. */
  private tagSum = new Float64Array(0);
  private tagLogit = new Float64Array(0);
  private tagSeen = new Float64Array(0);

  private readonly pending = new WorkList();
  /** Sources whose counts moved since their last estimate; likewise devices and tags (flags: setting one is a single store). */
  private readonly dirtySources = new WorkList();
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

  /**
   * Takes in new votes, answers and scores and marks their items pending. A new item starts from its
   * tag's prior, the model's score and each vote at its source's current weight scaled by its
   * device's experience (ESTABLISHED_ANSWERS); propagate's first M-step then learns from that start.
   * A vote on a known item counts at the item's current estimate.
   */
  absorb(changes: TableChanges): void {
    const table = this.table;
    this.ensureCapacity();
    const { itemStart, itemVoteDevice, itemVoteLabel, deviceStart } = table.grouped();
    for (let item = changes.firstNewItem; item < table.itemCount; item++) {
      const tag = table.itemTag[item];
      const from = itemStart[item];
      const to = itemStart[item + 1];
      const experience = (k: number) => Math.min(1, (deviceStart[itemVoteDevice[k] + 1] - deviceStart[itemVoteDevice[k]]) / ESTABLISHED_ANSWERS);
      let mostExperienced = 0;
      for (let k = from; k < to; k++) mostExperienced = Math.max(mostExperienced, experience(k));
      // Without votes the tag's prior and the model; with votes, what they say, not the prior (see START_VOTE).
      let logOdds = to === from ? this.tagLogit[tag] : 0;
      logOdds += this.modelTerm(item);
      for (let k = from; k < to; k++) logOdds += (experience(k) / mostExperienced) * (itemVoteLabel[k] ? START_VOTE : -START_VOTE);
      this.logOdds[item] = logOdds;
      this.probability[item] = sigmoid(logOdds);
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
    const { deviceSourceStart, deviceSources, deviceStart, deviceVoteItem } = this.table.grouped();
    for (let k = deviceSourceStart[device]; k < deviceSourceStart[device + 1]; k++) {
      const source = deviceSources[k];
      this.use(source, excluded ? 0 : this.weightPresent[source], excluded ? 0 : this.weightAbsent[source]);
      this.seenPresent[source] = this.weightPresent[source];
      this.seenAbsent[source] = this.weightAbsent[source];
    }
    for (let k = deviceStart[device]; k < deviceStart[device + 1]; k++) this.pending.add(deviceVoteItem[k]);
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

  /**
   * Runs EM until nothing pending moves; returns the number of E-steps. Each sweep re-estimates the
   * sources and tags whose counts moved (M-step), then the pending items (E-step): the M-step comes
   * first so that it learns from absorb's start rather than an E-step redoing it with every vote
   * alike, and the last one leaves the weights the rules read matching the final items.
   */
  propagate(): number {
    for (let sweeps = 0; ; sweeps++) {
      for (let device = 0; device < this.table.devices.size; device++) {
        if (!this.dirtyDevices[device]) continue;
        this.dirtyDevices[device] = 0;
        this.recentre(device);
      }
      for (const source of this.dirtySources.drain()) this.estimateSource(source);
      for (let tag = 0; tag < this.table.tags.size; tag++) {
        if (!this.dirtyTags[tag]) continue;
        this.dirtyTags[tag] = 0;
        this.estimateTag(tag);
      }
      if (this.pending.size === 0 || sweeps === MAX_SWEEPS) return sweeps;
      for (const item of this.pending.drain()) this.estimateItem(item);
    }
  }

  /** What a source's answer adds to its item's log-odds (0 while its device is excluded). */
  contribution(source: number, label: number): number {
    return label ? this.usedPresent[source] : this.usedAbsent[source];
  }

  /** What a source's answer adds to its item's log-odds when its device counts: its trust on that tag. */
  weight(source: number, label: number): number {
    return label ? this.weightPresent[source] : this.weightAbsent[source];
  }

  /** A tag's prevalence as log-odds: where each of its items starts before any vote. */
  prior(tag: number): number {
    return this.tagLogit[tag];
  }

  /** The device's overall posterior means and the standard deviation of sensitivity + specificity − 1. */
  reliability(device: number): { sensitivity: number; specificity: number; reliability: number; uncertainty: number } {
    const sensitivity = devicePosterior(this.deviceS1[device], this.deviceN1[device]);
    const specificity = devicePosterior(this.deviceS0[device], this.deviceN0[device]);
    return {
      sensitivity: sensitivity.mean,
      specificity: specificity.mean,
      reliability: sensitivity.mean + specificity.mean - 1,
      uncertainty: Math.sqrt(sensitivity.variance + specificity.variance),
    };
  }

  private estimateItem(item: number): void {
    const { itemTag } = this.table;
    const { itemStart, itemVoteDevice, itemVoteSource, itemVoteLabel } = this.table.grouped();
    const { usedPresent, usedAbsent, n1, n0, s1, s0, deviceS1, deviceN1, deviceS0, deviceN0, dirtySources, dirtyDevices, deviceDrift } = this;
    const from = itemStart[item];
    const to = itemStart[item + 1];
    let logOdds = this.tagLogit[itemTag[item]] + this.modelTerm(item);
    for (let k = from; k < to; k++) logOdds += itemVoteLabel[k] ? usedPresent[itemVoteSource[k]] : usedAbsent[itemVoteSource[k]];
    const drift = (this.itemDrift[item] += Math.abs(logOdds - this.logOdds[item]));
    const probability = sigmoid(logOdds);
    const change = probability - this.probability[item];
    this.logOdds[item] = logOdds;
    if (drift > 0) for (let k = from; k < to; k++) deviceDrift[itemVoteDevice[k]] = Math.max(deviceDrift[itemVoteDevice[k]], drift);
    if (change === 0) return;
    // Every voter's expected counts move with the item (the M-step's sums, kept by difference).
    for (let k = from; k < to; k++) {
      const source = itemVoteSource[k];
      const device = itemVoteDevice[k];
      n1[source] += change;
      n0[source] -= change;
      deviceN1[device] += change;
      deviceN0[device] -= change;
      if (itemVoteLabel[k]) {
        s1[source] += change;
        deviceS1[device] += change;
      } else {
        s0[source] -= change;
        deviceS0[device] -= change;
      }
      dirtySources.add(source);
      dirtyDevices[device] = 1;
    }
    this.probability[item] = probability;
    this.tagSum[itemTag[item]] += change;
    this.dirtyTags[itemTag[item]] = 1;
  }

  /** Adds (sign 1) or removes (−1) a whole vote's expected counts at its item's current probability. */
  private count(vote: number, label: number, sign: number): void {
    const source = this.table.voteSource[vote];
    const device = this.table.voteDevice[vote];
    const present = sign * this.probability[this.table.voteItem[vote]];
    const absent = sign - present;
    this.n1[source] += present;
    this.n0[source] += absent;
    this.deviceN1[device] += present;
    this.deviceN0[device] += absent;
    if (label) {
      this.s1[source] += present;
      this.deviceS1[device] += present;
    } else {
      this.s0[source] += absent;
      this.deviceS0[device] += absent;
    }
    this.dirtySources.add(source);
    this.dirtyDevices[device] = 1;
  }

  /**
   * The device's overall accuracy over all its answers (one number for both kinds of answer): when
   * it has moved, all its sources follow. One number, not a sensitivity and a specificity: where most
   * shown tags are right, "says present to everything" and "is right" look alike in a device's own
   * sensitivity and specificity, and EM could settle with the honest devices read backwards. A tenth
   * of TOLERANCE: every source of the device shares this error, and re-estimating sources is cheap
   * next to re-estimating items (only sources whose weights then move take theirs).
   */
  private recentre(device: number): void {
    const accuracy = devicePosterior(this.deviceS1[device] + this.deviceS0[device], this.deviceN1[device] + this.deviceN0[device]).mean;
    if (Math.abs(logit(accuracy) - logit(this.centreAccuracy[device])) <= TOLERANCE / 10) return;
    this.centreAccuracy[device] = accuracy;
    const { deviceSourceStart, deviceSources } = this.table.grouped();
    for (let k = deviceSourceStart[device]; k < deviceSourceStart[device + 1]; k++) this.dirtySources.add(deviceSources[k]);
  }

  /** A source's weights from its counts, drawn towards its device's overall estimate; its items follow when they moved. */
  private estimateSource(source: number): void {
    const device = this.table.sourceDevice[source];
    this.setWeights(
      source,
      (TAG_PRIOR_ANSWERS * this.centreAccuracy[device] + this.s1[source]) / (TAG_PRIOR_ANSWERS + this.n1[source]),
      (TAG_PRIOR_ANSWERS * this.centreAccuracy[device] + this.s0[source]) / (TAG_PRIOR_ANSWERS + this.n0[source]),
    );
    if (this.excluded[device]) return;
    this.use(source, this.weightPresent[source], this.weightAbsent[source]);
    const moved =
      Math.abs(this.weightPresent[source] - this.seenPresent[source]) > TOLERANCE ||
      Math.abs(this.weightAbsent[source] - this.seenAbsent[source]) > TOLERANCE;
    if (!moved) return;
    this.seenPresent[source] = this.weightPresent[source];
    this.seenAbsent[source] = this.weightAbsent[source];
    const { sourceStart, sourceVoteItem } = this.table.grouped();
    for (let k = sourceStart[source]; k < sourceStart[source + 1]; k++) this.pending.add(sourceVoteItem[k]);
  }

  private setWeights(source: number, sensitivity: number, specificity: number): void {
    this.weightPresent[source] = Math.log(sensitivity / (1 - specificity));
    this.weightAbsent[source] = Math.log((1 - sensitivity) / specificity);
  }

  private estimateTag(tag: number): void {
    const items = this.table.tagItems[tag].length;
    const prevalence = (PREVALENCE_PRIOR.present + this.tagSum[tag]) / (PREVALENCE_PRIOR.present + PREVALENCE_PRIOR.absent + items);
    this.tagLogit[tag] = Math.log(prevalence / (1 - prevalence));
    if (Math.abs(this.tagLogit[tag] - this.tagSeen[tag]) <= TAG_TOLERANCE) return;
    this.tagSeen[tag] = this.tagLogit[tag];
    for (const item of this.table.tagItems[tag]) this.pending.add(item);
  }

  private use(source: number, present: number, absent: number): void {
    const device = this.table.sourceDevice[source];
    this.deviceDrift[device] += Math.max(Math.abs(present - this.usedPresent[source]), Math.abs(absent - this.usedAbsent[source]));
    this.usedPresent[source] = present;
    this.usedAbsent[source] = absent;
  }

  /** What the model's score adds to an item's log-odds (0 without a score). */
  modelTerm(item: number): number {
    const score = this.table.itemScore[item];
    if (Number.isNaN(score)) return 0;
    const clamped = Math.min(0.99, Math.max(0.01, score));
    return MODEL_WEIGHT * Math.log(clamped / (1 - clamped));
  }

  /**
   * Sizes the arrays for the table's items, devices, sources and tags. A new source starts at its
   * device's overall estimate (the prior for a new device), as if items had already seen it.
   */
  ensureCapacity(): void {
    const { itemCount, devices, sourceCount, tags } = this.table;
    if (itemCount > this.probability.length) {
      const size = Math.max(itemCount, this.probability.length * 2);
      this.probability = grow(this.probability, size);
      this.logOdds = grow(this.logOdds, size);
      this.itemDrift = grow(this.itemDrift, size);
    }
    if (devices.size > this.excluded.length) {
      const first = this.excluded.length;
      const size = Math.max(devices.size, first * 2);
      for (const name of ['deviceS1', 'deviceN1', 'deviceS0', 'deviceN0', 'centreAccuracy', 'deviceDrift'] as const) {
        this[name] = grow(this[name], size);
      }
      this.excluded = grow(this.excluded, size);
      this.dirtyDevices = grow(this.dirtyDevices, size);
      this.centreAccuracy.fill(DEVICE_PRIOR.mean, first);
    }
    if (sourceCount > this.s1.length) {
      const size = Math.max(sourceCount, this.s1.length * 2);
      for (const name of ['s1', 'n1', 's0', 'n0', 'weightPresent', 'weightAbsent', 'seenPresent', 'seenAbsent', 'usedPresent', 'usedAbsent'] as const) {
        this[name] = grow(this[name], size);
      }
    }
    for (; this.knownSources < sourceCount; this.knownSources++) {
      const source = this.knownSources;
      const device = this.table.sourceDevice[source];
      this.setWeights(source, this.centreAccuracy[device], this.centreAccuracy[device]);
      this.seenPresent[source] = this.weightPresent[source];
      this.seenAbsent[source] = this.weightAbsent[source];
      this.usedPresent[source] = this.excluded[device] ? 0 : this.weightPresent[source];
      this.usedAbsent[source] = this.excluded[device] ? 0 : this.weightAbsent[source];
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

interface Beta {
  mean: number;
  variance: number;
}

/** Beta posterior of a sensitivity or specificity from DEVICE_PRIOR and (expected) counts. */
function devicePosterior(successes: number, trials: number): Beta {
  const a = DEVICE_PRIOR.mean * DEVICE_PRIOR.answers + successes;
  const b = (1 - DEVICE_PRIOR.mean) * DEVICE_PRIOR.answers + trials - successes;
  const n = a + b;
  return { mean: a / n, variance: (a * b) / (n * n * (n + 1)) };
}

export function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

function logit(p: number): number {
  return Math.log(p / (1 - p));
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
