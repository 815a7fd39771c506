import type { ModelMetrics } from '../contract/training.ts';
import { isPositive } from './dataset.ts';
import type { TrainingSet } from './types.ts';

/**
 * Ranking and decision quality: average precision, mAP and precision/recall/F1 (pure functions over
 * plain arrays, also used by the recognition benchmark), and a head's metrics on held-out photos.
 */

/** One image's score for one class (0 = the class was not found) and whether it is really there. */
export interface Ranked {
  score: number;
  positive: boolean;
}

/**
 * Average precision of a ranking: Σ (Rₙ − Rₙ₋₁)·Pₙ over the distinct scores, highest first, so tied
 * scores count as one step and the order of ties cannot change the result. Images scored 0 were
 * never retrieved: positives among them only lower recall. `null` when the class has no positives.
 */
export function averagePrecision(items: readonly Ranked[]): number | null {
  const positives = items.filter((item) => item.positive).length;
  if (positives === 0) return null;
  const retrieved = items.filter((item) => item.score > 0).sort((a, b) => b.score - a.score);
  let ap = 0;
  let truePositives = 0;
  let seen = 0;
  for (let i = 0; i < retrieved.length; ) {
    const score = retrieved[i].score;
    let stepPositives = 0;
    for (; i < retrieved.length && retrieved[i].score === score; i++) {
      seen++;
      if (retrieved[i].positive) stepPositives++;
    }
    truePositives += stepPositives;
    ap += (stepPositives / positives) * (truePositives / seen);
  }
  return ap;
}

/** Mean of the per-class APs over the classes that have at least one positive. */
export function meanAveragePrecision(perClass: ReadonlyMap<string, readonly Ranked[]>): {
  map: number;
  ap: Map<string, number>;
} {
  const ap = new Map<string, number>();
  for (const [name, items] of perClass) {
    const value = averagePrecision(items);
    if (value !== null) ap.set(name, value);
  }
  if (ap.size === 0) throw new Error('mAP needs at least one class with a positive');
  const map = [...ap.values()].reduce((sum, value) => sum + value, 0) / ap.size;
  return { map, ap };
}

export interface Counts {
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
}

/** Precision, recall and F1 of yes/no decisions; a ratio with nothing to divide by is 0. */
export function precisionRecallF1({ truePositives, falsePositives, falseNegatives }: Counts): {
  precision: number;
  recall: number;
  f1: number;
} {
  const ratio = (a: number, b: number) => (b === 0 ? 0 : a / b);
  const precision = ratio(truePositives, truePositives + falsePositives);
  const recall = ratio(truePositives, truePositives + falseNegatives);
  return { precision, recall, f1: ratio(2 * precision * recall, precision + recall) };
}

/**
 * A model's quality on some rows of a training set, from its scores (rows.length × set.tags.length):
 * per tag AP over the labelled cells (consensus more likely present than not is positive, the
 * rest and weak negatives negative; unlabelled cells are left out), mAP over the tags with a positive, and
 * micro-F1 of "score ≥ the tag's threshold" over all labelled cells, and per tag with a positive.
 */
export function evaluateScores(set: TrainingSet, rows: readonly number[], scores: Float32Array, thresholds: ReadonlyMap<string, number>): ModelMetrics {
  const counts: Counts = { truePositives: 0, falsePositives: 0, falseNegatives: 0 };
  const perTagAP: Record<string, number | null> = {};
  const perTagShown: Record<string, { precision: number; recall: number; f1: number }> = {};
  const aps: number[] = [];
  set.tags.forEach((tag, t) => {
    const threshold = thresholds.get(tag) ?? Infinity;
    const tagCounts: Counts = { truePositives: 0, falsePositives: 0, falseNegatives: 0 };
    const ranked = labelledCells(set, rows, scores, t).map(({ score, positive }) => {
      const predicted = score >= threshold;
      if (predicted && positive) tagCounts.truePositives++;
      else if (predicted) tagCounts.falsePositives++;
      else if (positive) tagCounts.falseNegatives++;
      return { score, positive };
    });
    counts.truePositives += tagCounts.truePositives;
    counts.falsePositives += tagCounts.falsePositives;
    counts.falseNegatives += tagCounts.falseNegatives;
    const ap = averagePrecision(ranked);
    perTagAP[tag] = ap;
    if (ap !== null) {
      aps.push(ap);
      perTagShown[tag] = precisionRecallF1(tagCounts);
    }
  });
  const mAP = aps.length === 0 ? 0 : aps.reduce((sum, ap) => sum + ap, 0) / aps.length;
  return { mAP, microF1: precisionRecallF1(counts).f1, perTagAP, perTagShown };
}

/** The labelled cells of column t over the rows, with their scores. */
export function labelledCells(set: TrainingSet, rows: readonly number[], scores: Float32Array, t: number): Ranked[] {
  const tags = set.tags.length;
  const cells: Ranked[] = [];
  rows.forEach((row, i) => {
    const cell = row * tags + t;
    if (set.weight[cell] > 0) cells.push({ score: scores[i * tags + t], positive: isPositive(set.target[cell]) });
  });
  return cells;
}
