import { describe, expect, it } from 'vitest';
import { calibrateThresholds, THRESHOLD_FALLBACK } from './calibrate.ts';
import type { TrainingSet } from './types.ts';

describe('calibrateThresholds', () => {
  const set = (targets: number[]): TrainingSet => ({
    dims: 1,
    tags: ['text:a'],
    photoIds: targets.map((_, i) => `p${i}`),
    split: targets.map(() => 'train'),
    x: new Float32Array(targets.length),
    target: Float32Array.from(targets),
    weight: new Float32Array(targets.length).fill(1),
  });
  const rows = (n: number) => Array.from({ length: n }, (_, i) => i);

  it('cuts between the positives and the negatives when they separate', () => {
    const thresholds = calibrateThresholds(set([1, 1, 0, 0]), rows(4), Float32Array.of(0.9, 0.8, 0.6, 0.1));
    expect(thresholds.get('text:a')).toBeCloseTo(0.7, 6);
  });

  it('falls back to 0.5 with no positives, and never shows a tag the head thinks less likely than not', () => {
    expect(calibrateThresholds(set([0, 0]), rows(2), Float32Array.of(0.9, 0.1)).get('text:a')).toBe(THRESHOLD_FALLBACK);
    expect(calibrateThresholds(set([1, 0]), rows(2), Float32Array.of(0.04, 0.01)).get('text:a')).toBe(0.5);
    expect(calibrateThresholds(set([1, 0]), rows(2), Float32Array.of(0.999, 0.99)).get('text:a')).toBe(0.95);
  });
});
