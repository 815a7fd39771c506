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

/** scores: rows.length × set.tags.length, for the given rows. */
export function calibrateThresholds(set: TrainingSet, rows: readonly number[], scores: Float32Array): Map<string, number> {
  return new Map(set.tags.map((tag, t) => [tag, clamp(bestF1Threshold(labelledCells(set, rows, scores, t)))]));
}

/** Over every cut between distinct scores, the one with the best F1; the midpoint below the last positive kept. */
function bestF1Threshold(cells: readonly { score: number; positive: boolean }[]): number {
  const positives = cells.filter((cell) => cell.positive).length;
  if (positives === 0) return THRESHOLD_FALLBACK;
  const sorted = [...cells].sort((a, b) => b.score - a.score);
  let best = { f1: -1, threshold: THRESHOLD_FALLBACK };
  let truePositives = 0;
  for (let i = 0; i < sorted.length; i++) {
    if (sorted[i].positive) truePositives++;
    // Cut only between distinct scores: "score ≥ threshold" cannot separate equal ones.
    if (i + 1 < sorted.length && sorted[i + 1].score === sorted[i].score) continue;
    const f1 = (2 * truePositives) / (i + 1 + positives);
    if (f1 > best.f1) {
      const below = i + 1 < sorted.length ? sorted[i + 1].score : 0;
      best = { f1, threshold: (sorted[i].score + below) / 2 };
    }
  }
  return best.threshold;
}

const clamp = (value: number) => Math.min(THRESHOLD_RANGE[1], Math.max(THRESHOLD_RANGE[0], value));
