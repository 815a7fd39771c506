import { describe, expect, it } from 'vitest';
import { averagePrecision, evaluateScores, meanAveragePrecision, precisionRecallF1, type Ranked } from './metrics.ts';
import type { TrainingSet } from './types.ts';

const ranked = (...pairs: [number, boolean][]): Ranked[] => pairs.map(([score, positive]) => ({ score, positive }));

describe('averagePrecision', () => {
  it('is 1 when every positive ranks above every negative', () => {
    expect(averagePrecision(ranked([0.9, true], [0.8, true], [0.3, false]))).toBe(1);
  });

  it('averages the precision at each positive', () => {
    // Positives at ranks 1 and 3: (1/1 + 2/3) / 2.
    expect(averagePrecision(ranked([0.9, true], [0.8, false], [0.7, true]))).toBeCloseTo(5 / 6, 12);
  });

  it('counts a positive that was never retrieved as lost recall', () => {
    expect(averagePrecision(ranked([0.9, true], [0, true], [0, false]))).toBe(0.5);
  });

  it('scores tied items as one step, whatever their order', () => {
    const a = averagePrecision(ranked([0.5, true], [0.5, false]));
    const b = averagePrecision(ranked([0.5, false], [0.5, true]));
    expect(a).toBe(0.5);
    expect(b).toBe(0.5);
  });

  it('has no value for a class without positives', () => {
    expect(averagePrecision(ranked([0.9, false]))).toBeNull();
  });
});

describe('meanAveragePrecision', () => {
  it('averages over classes with positives only', () => {
    const perClass = new Map([
      ['dog', ranked([0.9, true], [0.2, false])],
      ['cat', ranked([0.9, false], [0.2, true])],
      ['zebra', ranked([0.4, false])],
    ]);
    const { map, ap } = meanAveragePrecision(perClass);
    expect([...ap.keys()]).toEqual(['dog', 'cat']);
    expect(map).toBeCloseTo((1 + 0.5) / 2, 12);
  });
});

describe('precisionRecallF1', () => {
  it('combines the counts', () => {
    const result = precisionRecallF1({ truePositives: 3, falsePositives: 1, falseNegatives: 3 });
    expect(result.precision).toBe(0.75);
    expect(result.recall).toBe(0.5);
    expect(result.f1).toBeCloseTo(0.6, 12);
  });

  it('is 0, not NaN, when nothing was decided', () => {
    expect(precisionRecallF1({ truePositives: 0, falsePositives: 0, falseNegatives: 2 })).toEqual({ precision: 0, recall: 0, f1: 0 });
  });
});

describe('evaluateScores', () => {
  // Three photos × two tags; photo 2 has no label for tag b.
  const set: TrainingSet = {
    dims: 1,
    tags: ['text:a', 'text:b'],
    corrects: [false, false],
    photoIds: ['p0', 'p1', 'p2'],
    split: ['heldOut', 'heldOut', 'heldOut'],
    x: new Float32Array(3),
    target: Float32Array.of(1, 0, 0, 0.1, 0.9, 1),
    weight: Float32Array.of(1, 1, 1, 0.3, 1, 0),
    offset: new Float32Array(6),
  };

  it('ranks only labelled cells, counts F1 at the thresholds, and has no AP for a tag without a positive', () => {
    const scores = Float32Array.of(0.9, 0.2, 0.4, 0.8, 0.3, 0.99);
    const metrics = evaluateScores(set, [0, 1, 2], scores, new Map([['text:a', 0.5], ['text:b', 0.5]]));
    // Tag a: positives p0 (0.9) and p2 (0.3), negative p1 (0.4): AP = (1 + 2/3) / 2.
    expect(metrics.perTagAP['text:a']).toBeCloseTo(5 / 6, 6);
    // Tag b: its only positive would be p2, which is unlabelled for b, so no AP; p1's 0.8 is a false positive.
    expect(metrics.perTagAP['text:b']).toBeNull();
    expect(metrics.mAP).toBeCloseTo(5 / 6, 6);
    // TP: p0/a; FP: p1/b; FN: p2/a → precision 1/2, recall 1/2.
    expect(metrics.microF1).toBeCloseTo(0.5, 6);
  });

  it('scores a model that lacks a tag (all 0) at AP 0 for it', () => {
    const metrics = evaluateScores(set, [0, 1, 2], new Float32Array(6), new Map());
    expect(metrics.perTagAP['text:a']).toBe(0);
    expect(metrics.microF1).toBe(0);
  });
});
