import type { ModelMetrics } from '../contract/training.ts';
import type { HeadTags } from './dataset.ts';
import { MIN_WITNESSED } from './teachers.ts';
import type { GateDecision, GateOptions } from './types.ts';

/**
 * Publish a candidate only when it is measurably better on held-out photos: its mAP or its micro-F1
 * at shown tags beats the current model's by more than minGain (a correction that only moves where
 * a base tag is shown leaves its ranking, and so its AP, as it was), no established tag (a taught one the current head has, or
 * a base tag the candidate corrects, with enough held-out positives: ./train.ts) loses more than
 * maxTagDrop AP, and no such base tag loses more than maxTagDrop F1 at its shown threshold. A candidate that drops
 * tags an admin refused or merged away (`removed`) needs no gain: taking a tag off phones is the
 * admin's decision, not something held-out photos can show. Every reason states the rule and the numbers.
 */

export const GATE_DEFAULTS: GateOptions = { minGain: 0.01, maxTagDrop: 0.05 };

export function gate(
  candidate: ModelMetrics,
  current: ModelMetrics,
  established: { taught: readonly string[]; base: readonly string[] },
  removed: readonly string[],
  options: GateOptions = GATE_DEFAULTS,
): GateDecision {
  const gain = candidate.mAP - current.mAP;
  const f1Gain = candidate.microF1 - current.microF1;
  const gained = gain > options.minGain || f1Gain > options.minGain;
  const reasons = [
    `mAP ${fixed(current.mAP)} → ${fixed(candidate.mAP)} (${signed(gain)} ${gain > options.minGain ? '>' : '≤'} ${fixed(options.minGain)})`,
    `micro-F1 at shown tags ${fixed(current.microF1)} → ${fixed(candidate.microF1)} (${signed(f1Gain)} ${f1Gain > options.minGain ? '>' : '≤'} ${fixed(options.minGain)})`,
  ];
  const drops = [
    ...established.taught.flatMap((tag) => tagDrops(candidate, current, tag, false, options.maxTagDrop)),
    ...established.base.flatMap((tag) => tagDrops(candidate, current, tag, true, options.maxTagDrop)),
  ];
  reasons.push(...drops);
  if (drops.length === 0 && established.taught.length > 0) reasons.push(`no established tag lost more than ${fixed(options.maxTagDrop, 2)} AP`);
  if (drops.length === 0 && established.base.length > 0) {
    reasons.push(`no corrected base tag (${established.base.length} with enough held-out positives) lost more than ${fixed(options.maxTagDrop, 2)} AP or F1`);
  }
  if (removed.length > 0) reasons.push(`removes ${removed.join(', ')}, as an admin decided: no gain needed`);
  return { publish: (gained || removed.length > 0) && drops.length === 0, reasons };
}

/**
 * How a tag got worse in the candidate by more than maxTagDrop, in words: its AP, and for a base
 * tag the candidate corrects (`base`) also its F1 at the shown threshold, since a correction answers
 * for what phones show. Empty when it did not.
 */
export function tagDrops(candidate: ModelMetrics, current: ModelMetrics, tag: string, base: boolean, maxTagDrop: number): string[] {
  const drops: string[] = [];
  const judge = (metric: string, before: number | null | undefined, after: number | null | undefined) => {
    if (before === null || before === undefined) return;
    const now = after ?? 0;
    if (before - now > maxTagDrop) drops.push(`${tag}: ${metric} ${fixed(before, 2)} → ${fixed(now, 2)} (${signed(now - before, 2)} exceeds ${fixed(maxTagDrop, 2)})`);
  };
  judge('AP', current.perTagAP[tag], candidate.perTagAP[tag]);
  if (base) judge('F1 at the shown threshold', current.perTagShown?.[tag]?.f1, candidate.perTagShown?.[tag]?.f1);
  return drops;
}

/**
 * The independent held-out support of each new tag that had its teachers (./dataset.ts
 * chooseHeadTags holds back those below MIN_WITNESSED, so the candidate never has them), in words.
 */
export function witnessReasons(witnessed: HeadTags['witnessed']): string[] {
  return witnessed.map(({ tag, photos, of }) => {
    const enough = photos >= MIN_WITNESSED;
    return `${tag}: ${photos} of ${of} held-out positive${of === 1 ? '' : 's'} named by a trusted device that did not teach it (${enough ? '≥' : '<'} ${MIN_WITNESSED})${enough ? '' : ', held back'}`;
  });
}

const fixed = (value: number, digits = 3) => value.toFixed(digits);
/** With a real minus sign, as the reasons are read by people. */
const signed = (value: number, digits = 3) => `${value >= 0 ? '+' : '−'}${Math.abs(value).toFixed(digits)}`;
