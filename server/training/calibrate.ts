import { labelledCells } from './metrics.ts';
import type { TrainingSet } from './types.ts';

/**
 * Per-tag decision thresholds: the score cut that maximises F1 on scores the model gave photos it
 * was not trained on (out-of-fold, ./train.ts), clamped to [0.5, 0.95]: a learned tag is shown only
 * when the head thinks it more likely than not. With a few positives per tag the F1 cut often fell
 * near 0.1, and the flywheel's micro-F1 at shown tags fell below the base model's (0.578 vs 0.672);
 * from 0.5 it rose above it (0.679).
 */

export const THRESHOLD_FALLBACK = 0.5;
export const THRESHOLD_RANGE = [0.5, 0.95] as const;
/**
 * A corrected base tag's range: its score is the base model's moved by what consensus said about
 * photos like this one, and the base models show tags from 0.25–0.3.
 */
export const CORRECTION_THRESHOLD_RANGE = [0.3, 0.95] as const;

/**
 * The precision a corrected base tag must keep where it is shown, out of fold on consensus labels
 * (which miss some things photos show, so true precision runs higher): the base models show tags at
 * about 0.9 precision, and a tag shown wrongly costs more trust than one missed. On coco-1k the
 * F1-best cut alone took precision to 0.75; 0.85 here left most tags no cut at all.
 */
export const CORRECTION_MIN_PRECISION = 0.75;

/** scores: rows.length × set.tags.length, for the given rows. */
export function calibrateThresholds(set: TrainingSet, rows: readonly number[], scores: Float32Array): Map<string, number> {
  return new Map(set.tags.map((tag, t) => {
    const [low, high] = set.corrects[t] ? CORRECTION_THRESHOLD_RANGE : THRESHOLD_RANGE;
    const best = bestF1Threshold(labelledCells(set, rows, scores, t), set.corrects[t] ? CORRECTION_MIN_PRECISION : 0);
    return [tag, Math.min(high, Math.max(low, best ?? high))];
  }));
}

/**
 * Over every cut between distinct scores with at least `minPrecision`, the one with the best F1;
 * the midpoint below the last positive kept. Null when no cut keeps `minPrecision`.
 */
function bestF1Threshold(cells: readonly { score: number; positive: boolean }[], minPrecision: number): number | null {
  const positives = cells.filter((cell) => cell.positive).length;
  if (positives === 0) return THRESHOLD_FALLBACK;
  const sorted = [...cells].sort((a, b) => b.score - a.score);
  let best: { f1: number; threshold: number | null } = { f1: -1, threshold: null };
  let truePositives = 0;
  for (let i = 0; i < sorted.length; i++) {
    if (sorted[i].positive) truePositives++;
    // Cut only between distinct scores: "score ≥ threshold" cannot separate equal ones.
    if (i + 1 < sorted.length && sorted[i + 1].score === sorted[i].score) continue;
    const f1 = (2 * truePositives) / (i + 1 + positives);
    if (f1 > best.f1 && truePositives >= minPrecision * (i + 1)) {
      const below = i + 1 < sorted.length ? sorted[i + 1].score : 0;
      best = { f1, threshold: (sorted[i].score + below) / 2 };
    }
  }
  return best.threshold;
}
