/** The numbers benchmarks report: pure functions over plain arrays, unit-tested. */

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** The value at or below which a share `p` (0–1) of the values lie (nearest rank): p = 0.99 → the p99. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) throw new Error('percentile of no values');
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
}

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
