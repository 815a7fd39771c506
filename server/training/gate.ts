import type { ModelMetrics } from '../contract/training.ts';
import type { HeadTags } from './dataset.ts';
import { MIN_WITNESSED } from './teachers.ts';
import type { GateDecision, GateOptions } from './types.ts';

/**
 * Publish a candidate only when it is measurably better on held-out photos: its mAP beats the
 * current model's by more than minGain, and no established tag (one the current head has, with
 * enough held-out positives: ./train.ts) loses more than maxTagDrop AP. A candidate that drops
 * tags an admin refused or merged away (`removed`) needs no gain: taking a tag off phones is the
 * admin's decision, not something held-out photos can show. Every reason states the rule and the numbers.
 */

export const GATE_DEFAULTS: GateOptions = { minGain: 0.01, maxTagDrop: 0.05 };

export function gate(
  candidate: ModelMetrics,
  current: ModelMetrics,
  established: readonly string[],
  removed: readonly string[],
  options: GateOptions = GATE_DEFAULTS,
): GateDecision {
  const gain = candidate.mAP - current.mAP;
  const gained = gain > options.minGain;
  const reasons = [
    `mAP ${fixed(current.mAP)} → ${fixed(candidate.mAP)} (${signed(gain)} ${gained ? '>' : '≤'} ${fixed(options.minGain)})`,
  ];
  let dropped = false;
  for (const tag of established) {
    const before = current.perTagAP[tag];
    if (before === null || before === undefined) continue;
    const after = candidate.perTagAP[tag] ?? 0;
    if (before - after > options.maxTagDrop) {
      dropped = true;
      reasons.push(`${tag}: AP ${fixed(before, 2)} → ${fixed(after, 2)} (${signed(after - before, 2)} exceeds ${fixed(options.maxTagDrop, 2)})`);
    }
  }
  if (!dropped && established.length > 0) reasons.push(`no established tag lost more than ${fixed(options.maxTagDrop, 2)} AP`);
  if (removed.length > 0) reasons.push(`removes ${removed.join(', ')}, as an admin decided: no gain needed`);
  return { publish: (gained || removed.length > 0) && !dropped, reasons };
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
