import { describe, expect, it } from 'vitest';
import { median, percentile } from './metrics.ts';

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
