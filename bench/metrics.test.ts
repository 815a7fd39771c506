import { describe, expect, it } from 'vitest';
import { averagePrecision, meanAveragePrecision, median, percentile, precisionRecallF1, type Ranked } from './metrics.ts';

const ranked = (...pairs: [number, boolean][]): Ranked[] => pairs.map(([score, positive]) => ({ score, positive }));

describe('median', () => {
  it('takes the middle value, or the mean of the two middle ones', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it('refuses an empty list rather than inventing a number', () => {
    expect(() => median([])).toThrow(/no values/);
  });
});

describe('percentile', () => {
  it('takes the nearest rank: the p99 of 1…200 is 198, of 1…10 the largest', () => {
    const hundreds = Array.from({ length: 200 }, (_, i) => 200 - i);
    expect(percentile(hundreds, 0.99)).toBe(198);
    expect(percentile(hundreds, 0.5)).toBe(100);
    expect(percentile([3, 1, 2, 10, 4, 5, 6, 7, 8, 9], 0.99)).toBe(10);
    expect(percentile([7], 0)).toBe(7);
  });

  it('refuses an empty list', () => {
    expect(() => percentile([], 0.99)).toThrow(/no values/);
  });
});

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
