import type { DawidSkene } from './dawid-skene.ts';
import type { ConsensusAlert, QuarantineReason } from './types.ts';
import type { VoteTable } from './vote-table.ts';

/** A rule a device breaks, with its evidence in words. */
export interface Quarantine {
  reason: QuarantineReason;
  evidence: string;
  /** The tag a rule judged on that tag's answers alone; null for rules on the whole device. */
  tagKey: string | null;
}

/** Rules need this many answers before they judge a device: a new device is never quarantined. */
export const MIN_ANSWERS = 20;
/** Everyone else is "confident" about an item beyond these log-odds (P ≥ 0.9 or ≤ 0.1). */
export const CONFIDENT_LOG_ODDS = Math.log(9);
/** No person answers a question about a photo in less than this. */
const HUMAN_GAP_MS = 400;
/**
 * Upper bound (mean + CHANCE_SDS sd) of reliability against everyone else below which a device is
 * no better than chance. Careless people (reliability about 0.4) sit only about three sd above 0.3
 * with 100 answers: at 2 sd, crowds of 100 devices set aside one or two of them in some runs. At
 * 2.5 sd none, and a spammer still needs about 0.05 or less (a few more go uncaught, weighing
 * next to nothing in consensus anyway).
 */
const CHANCE_RELIABILITY = 0.3;
const CHANCE_SDS = 2.5;
/** Upper bound of agreement with everyone else below which a device answers the opposite. */
const OPPOSITE_AGREEMENT = 0.35;
const MIN_JUDGED = 10;
const MIN_JUDGED_PER_TAG = 8;
/**
 * The rules assume honest devices are the majority: a rule that would set aside this share of the
 * active devices (of those that answered the tag, for the rule on one tag), or that would take all
 * rules together to it, contradicts that assumption. Its devices stay active and an admin is alerted.
 */
const CASCADE_SHARE = 0.5;

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
  /** Per tag with enough answers: how many everyone else was confident about, and how many it agreed on. */
  tags: { tagKey: string; judged: number; agreed: number }[];
  /** Median time between consecutive answers; NaN with fewer than MIN_ANSWERS. */
  medianGapMs: number;
}

/** Every rule a device breaks, the most telling first (on one tag: the tag it agrees least on first); empty when it breaks none. */
export function judge(e: DeviceEvidence): Quarantine[] {
  if (e.votes < MIN_ANSWERS) return [];
  const broken: Quarantine[] = [];
  const device = (reason: QuarantineReason, evidence: string) => broken.push({ reason, evidence, tagKey: null });
  if (e.medianGapMs < HUMAN_GAP_MS) {
    device('too-fast', `median ${Math.round(e.medianGapMs)} ms between ${e.votes} answers (a person needs ${HUMAN_GAP_MS} ms or more)`);
  }
  const constant = constantAnswer(e);
  if (constant) device('constant', constant);
  const judged = e.othersPresent + e.othersAbsent;
  const agreed = e.agreedPresent + e.agreedAbsent;
  const reliability = judgedReliability(e);
  const upper = reliability.mean + 2 * reliability.sd;
  if (judged >= MIN_JUDGED && (upper < 0 || agreementBound(agreed, judged) < OPPOSITE_AGREEMENT)) {
    device('opposite', `${disagreement(agreed, judged)}; reliability ${describe(reliability)}`);
  }
  const opposite = e.tags
    .map((tag) => ({ ...tag, bound: agreementBound(tag.agreed, tag.judged) }))
    .filter((tag) => tag.bound < OPPOSITE_AGREEMENT)
    .sort((a, b) => a.bound - b.bound);
  for (const tag of opposite) broken.push({ reason: 'opposite', evidence: `on "${tag.tagKey}": ${disagreement(tag.agreed, tag.judged)}`, tagKey: tag.tagKey });
  if (judged >= MIN_ANSWERS && reliability.mean + CHANCE_SDS * reliability.sd < CHANCE_RELIABILITY) {
    device('chance', `reliability ${describe(reliability)} over ${judged} questions everyone else was confident about: no better than chance`);
  }
  return broken;
}

/** One rule's findings: on one tag for a rule judged per tag. */
interface Rule {
  /** The first device's finding, its evidence prefixed with the device. */
  example: Quarantine;
  devices: string[];
  /** How many devices it judges: all active devices, or those that answered its tag. */
  judged: number;
  /** Why it does not quarantine: it alone, or all rules together, would set aside CASCADE_SHARE. */
  heldBack: 'alone' | 'together' | null;
}

/**
 * Which rules quarantine, from every rule each device (by id) breaks: a device is set aside for the
 * first rule it breaks that is not held back. A rule is held back when it alone would set aside
 * CASCADE_SHARE of the devices it judges; then, while all rules together would set aside that share
 * of the active devices, the rule setting aside the most is held back too. A rule held back
 * quarantines nobody: it becomes an alert for an admin, with the devices it named.
 */
export function holdBackCascades(
  broken: ReadonlyMap<string, readonly Quarantine[]>,
  active: number,
  answerers: ReadonlyMap<string, number>,
): { quarantined: Map<string, Quarantine>; alerts: ConsensusAlert[] } {
  const rules = new Map<string, Rule>();
  const ruleOf = (finding: Quarantine) => rules.get(`${finding.reason} ${finding.tagKey ?? ''}`);
  for (const [device, findings] of broken) {
    for (const finding of findings) {
      let rule = ruleOf(finding);
      if (!rule) {
        const judged = finding.tagKey === null ? active : (answerers.get(finding.tagKey) ?? 0);
        rule = { example: { ...finding, evidence: `${device}: ${finding.evidence}` }, devices: [], judged, heldBack: null };
        rules.set(`${finding.reason} ${finding.tagKey ?? ''}`, rule);
      }
      rule.devices.push(device);
    }
  }
  for (const rule of rules.values()) if (rule.devices.length >= CASCADE_SHARE * rule.judged) rule.heldBack = 'alone';
  const apply = () => {
    const quarantined = new Map<string, Quarantine>();
    for (const [device, findings] of broken) {
      const finding = findings.find((f) => ruleOf(f)!.heldBack === null);
      if (finding) quarantined.set(device, finding);
    }
    return quarantined;
  };
  let quarantined = apply();
  while (quarantined.size > 0 && quarantined.size >= CASCADE_SHARE * active) {
    const applied = [...rules.values()].filter((rule) => rule.heldBack === null);
    applied.reduce((largest, rule) => (rule.devices.length > largest.devices.length ? rule : largest)).heldBack = 'together';
    quarantined = apply();
  }
  const alerts: ConsensusAlert[] = [];
  for (const { example, devices, judged, heldBack } of rules.values()) {
    if (heldBack === null) continue;
    const share = devices.length / judged;
    const whom = example.tagKey === null ? 'active devices' : `active devices that answered "${example.tagKey}"`;
    const together = heldBack === 'together' ? ', and with the other rules half or more of all active devices' : '';
    alerts.push({
      rule: example.reason,
      tagKey: example.tagKey,
      devices,
      share,
      evidence:
        `would set aside ${devices.length} of the ${judged} ${whom} (${percent(share)}${together}); ` +
        `the rules assume honest devices are the majority, so consensus itself may be on the wrong side: ` +
        `they stay active until an admin decides. First, ${example.evidence}`,
    });
  }
  return { quarantined, alerts };
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
  const { deviceStart, deviceVoteItem, deviceVoteSource, deviceVoteLabel } = table.grouped();
  const tagOf = table.itemTag;
  const touched: number[] = [];
  const evidence: DeviceEvidence = {
    votes: deviceStart[device + 1] - deviceStart[device],
    answeredPresent: 0,
    othersPresent: 0,
    agreedPresent: 0,
    othersAbsent: 0,
    agreedAbsent: 0,
    tags: [],
    medianGapMs,
  };
  let slack = Infinity;
  for (let k = deviceStart[device]; k < deviceStart[device + 1]; k++) {
    const item = deviceVoteItem[k];
    const label = deviceVoteLabel[k];
    evidence.answeredPresent += label;
    const others = em.logOdds[item] - em.contribution(deviceVoteSource[k], label);
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
  for (const tag of touched) {
    const judged = perTag.judged[tag];
    const agreed = perTag.agreed[tag];
    perTag.judged[tag] = 0;
    perTag.agreed[tag] = 0;
    if (judged >= MIN_JUDGED_PER_TAG) evidence.tags.push({ tagKey: table.tags.names[tag], judged, agreed });
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
