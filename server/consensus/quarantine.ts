import type { DawidSkene } from './dawid-skene.ts';
import type { QuarantineReason } from './types.ts';
import type { VoteTable } from './vote-table.ts';

export interface Quarantine {
  reason: QuarantineReason;
  evidence: string;
}

/** Rules need this many answers before they judge a device: a new device is never quarantined. */
export const MIN_ANSWERS = 20;
/** Everyone else is "confident" about an item beyond these log-odds (P ≥ 0.9 or ≤ 0.1). */
export const CONFIDENT_LOG_ODDS = Math.log(9);
/** No person answers a question about a photo in less than this. */
const HUMAN_GAP_MS = 400;
/** Upper bound (mean + 2 sd) of reliability against everyone else below which a device is no better than chance. */
const CHANCE_RELIABILITY = 0.3;
/** Upper bound of agreement with everyone else below which a device answers the opposite. */
const OPPOSITE_AGREEMENT = 0.35;
const MIN_JUDGED = 10;
const MIN_JUDGED_PER_TAG = 8;

/** What the rules look at for one device; agreement is with everyone else's consensus (its own vote left out). */
export interface DeviceEvidence {
  votes: number;
  answeredPresent: number;
  /**
   * Answers on items everyone else is confident about: present by them (and answered present) and
   * absent by them (and answered absent). Left out of their own items, unlike EM's estimate, so that
   * a device's own weight cannot make it look better than it is.
   */
  othersPresent: number;
  agreedPresent: number;
  othersAbsent: number;
  agreedAbsent: number;
  /** The tag it agrees least on (enough answers only). */
  worstTag: { tagKey: string; judged: number; agreed: number } | null;
  /** Median time between consecutive answers; NaN with fewer than MIN_ANSWERS. */
  medianGapMs: number;
}

/** The first rule a device breaks, with its evidence in words; null when it breaks none. */
export function judge(e: DeviceEvidence): Quarantine | null {
  if (e.votes < MIN_ANSWERS) return null;
  if (e.medianGapMs < HUMAN_GAP_MS) {
    return { reason: 'too-fast', evidence: `median ${Math.round(e.medianGapMs)} ms between ${e.votes} answers (a person needs ${HUMAN_GAP_MS} ms or more)` };
  }
  const constant = constantAnswer(e);
  if (constant) return { reason: 'constant', evidence: constant };
  const judged = e.othersPresent + e.othersAbsent;
  const agreed = e.agreedPresent + e.agreedAbsent;
  const reliability = judgedReliability(e);
  const upper = reliability.mean + 2 * reliability.sd;
  if (judged >= MIN_JUDGED && (upper < 0 || agreementBound(agreed, judged) < OPPOSITE_AGREEMENT)) {
    return { reason: 'opposite', evidence: `${disagreement(agreed, judged)}; reliability ${describe(reliability)}` };
  }
  const tag = e.worstTag;
  if (tag && tag.judged >= MIN_JUDGED_PER_TAG && agreementBound(tag.agreed, tag.judged) < OPPOSITE_AGREEMENT) {
    return { reason: 'opposite', evidence: `on "${tag.tagKey}": ${disagreement(tag.agreed, tag.judged)}` };
  }
  if (judged >= MIN_ANSWERS && upper < CHANCE_RELIABILITY) {
    return { reason: 'chance', evidence: `reliability ${describe(reliability)} over ${judged} questions everyone else was confident about: no better than chance` };
  }
  return null;
}

/** The same answer to (almost) everything while everyone else's answers vary. */
function constantAnswer(e: DeviceEvidence): string | null {
  const present = e.answeredPresent / e.votes;
  if (present > 0.05 && present < 0.95) return null;
  const answer = present >= 0.95 ? 'present' : 'absent';
  const judged = e.othersPresent + e.othersAbsent;
  const othersOther = present >= 0.95 ? e.othersAbsent : e.othersPresent;
  if (judged < MIN_ANSWERS || othersOther < 0.2 * judged) return null;
  const other = answer === 'present' ? 'absent' : 'present';
  return `answered "${answer}" to ${percent(answer === 'present' ? present : 1 - present)} of ${e.votes} questions; everyone else says ${other} on ${percent(othersOther / judged)} of them`;
}

/** Mean + 2 sd of the posterior agreement rate. */
function agreementBound(agreed: number, judged: number): number {
  const { mean, variance } = beta(agreed, judged);
  return mean + 2 * Math.sqrt(variance);
}

function disagreement(agreed: number, judged: number): string {
  return `disagreed with everyone else on ${judged - agreed} of ${judged} questions they were confident about`;
}

/** Sensitivity + specificity − 1 against everyone else's confident consensus, with Beta(1, 1) priors. */
function judgedReliability(e: DeviceEvidence): { mean: number; sd: number } {
  const sens = beta(e.agreedPresent, e.othersPresent);
  const spec = beta(e.agreedAbsent, e.othersAbsent);
  return { mean: sens.mean + spec.mean - 1, sd: Math.sqrt(sens.variance + spec.variance) };
}

function beta(successes: number, trials: number): { mean: number; variance: number } {
  const a = 1 + successes;
  const b = 1 + trials - successes;
  const n = a + b;
  return { mean: a / n, variance: (a * b) / (n * n * (n + 1)) };
}

function describe(reliability: { mean: number; sd: number }): string {
  return `${reliability.mean.toFixed(2)} ± ${reliability.sd.toFixed(2)}`;
}

const percent = (share: number) => `${Math.round(share * 100)} %`;

/** Per-tag counters for gatherEvidence, one slot per tag, left zeroed after each device. */
export interface TagCounters {
  judged: Int32Array;
  agreed: Int32Array;
}

export function tagCounters(tags: number): TagCounters {
  return { judged: new Int32Array(tags), agreed: new Int32Array(tags) };
}

/**
 * Gathers one device's evidence from its votes and the current estimates, with its slack: how far
 * everyone else's log-odds on any of its answers may move before the evidence could change.
 */
export function gatherEvidence(
  table: VoteTable,
  em: DawidSkene,
  device: number,
  medianGapMs: number,
  perTag: TagCounters,
): { evidence: DeviceEvidence; slack: number } {
  const { deviceStart, deviceVoteItem, deviceVoteLabel } = table.grouped();
  const tagOf = table.itemTag;
  const touched: number[] = [];
  const evidence: DeviceEvidence = {
    votes: deviceStart[device + 1] - deviceStart[device],
    answeredPresent: 0,
    othersPresent: 0,
    agreedPresent: 0,
    othersAbsent: 0,
    agreedAbsent: 0,
    worstTag: null,
    medianGapMs,
  };
  let slack = Infinity;
  for (let k = deviceStart[device]; k < deviceStart[device + 1]; k++) {
    const item = deviceVoteItem[k];
    const label = deviceVoteLabel[k];
    evidence.answeredPresent += label;
    const others = em.logOdds[item] - em.contribution(device, label);
    slack = Math.min(slack, Math.abs(Math.abs(others) - CONFIDENT_LOG_ODDS));
    if (Math.abs(others) < CONFIDENT_LOG_ODDS) continue;
    const agrees = others > 0 === (label === 1);
    if (others > 0) {
      evidence.othersPresent++;
      evidence.agreedPresent += label;
    } else {
      evidence.othersAbsent++;
      evidence.agreedAbsent += 1 - label;
    }
    const tag = tagOf[item];
    if (perTag.judged[tag]++ === 0) touched.push(tag);
    if (agrees) perTag.agreed[tag]++;
  }
  let worst = Infinity;
  for (const tag of touched) {
    const judged = perTag.judged[tag];
    const agreed = perTag.agreed[tag];
    perTag.judged[tag] = 0;
    perTag.agreed[tag] = 0;
    if (judged < MIN_JUDGED_PER_TAG) continue;
    const bound = agreementBound(agreed, judged);
    if (bound < worst) {
      worst = bound;
      evidence.worstTag = { tagKey: table.tags.names[tag], judged, agreed };
    }
  }
  return { evidence, slack };
}

/** Median gap between consecutive answer times (sorted here); NaN with fewer than MIN_ANSWERS answers. */
export function medianGap(times: Float64Array): number {
  if (times.length < MIN_ANSWERS) return NaN;
  times.sort();
  const gaps = new Float64Array(times.length - 1);
  for (let i = 1; i < times.length; i++) gaps[i - 1] = times[i] - times[i - 1];
  gaps.sort();
  const middle = gaps.length >> 1;
  return gaps.length % 2 ? gaps[middle] : (gaps[middle - 1] + gaps[middle]) / 2;
}
