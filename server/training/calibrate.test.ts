import { describe, expect, it } from 'vitest';
import { calibrateThresholds, THRESHOLD_FALLBACK } from './calibrate.ts';
import type { TrainingSet } from './types.ts';

describe('calibrateThresholds', () => {
  const set = (targets: number[], corrects = false): TrainingSet => ({
    dims: 1,
    tags: ['text:a'],
    corrects: [corrects],
    photoIds: targets.map((_, i) => `p${i}`),
    split: targets.map(() => 'train'),
    x: new Float32Array(targets.length),
    target: Float32Array.from(targets),
    weight: new Float32Array(targets.length).fill(1),
    offset: new Float32Array(targets.length),
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

  it('shows a corrected base tag from 0.3, at the best F1 that keeps CORRECTION_MIN_PRECISION, else only from 0.95', () => {
    // Best F1 alone cuts at 0.375 (4 of the 6 above right); 0.75 precision keeps it at 0.55 (3 of 4).
    const scores = Float32Array.of(0.9, 0.8, 0.7, 0.6, 0.5, 0.45, 0.3, 0.1);
    const targets = [1, 0, 1, 1, 0, 1, 0, 0];
    expect(calibrateThresholds(set(targets), rows(8), scores).get('text:a')).toBe(0.5);
    expect(calibrateThresholds(set(targets, true), rows(8), scores).get('text:a')).toBeCloseTo(0.55, 6);
    expect(calibrateThresholds(set([1, 1, 0, 0], true), rows(4), Float32Array.of(0.4, 0.35, 0.33, 0.1)).get('text:a')).toBeCloseTo(0.34, 6);
    expect(calibrateThresholds(set([0, 1], true), rows(2), Float32Array.of(0.9, 0.1)).get('text:a')).toBe(0.95);
  });
});
