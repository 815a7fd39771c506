import { describe, expect, it } from 'vitest';
import { softmax, topK } from './classifier.ts';

describe('softmax', () => {
  it('turns logits into probabilities that sum to 1, keeping their order', () => {
    const p = softmax(new Float32Array([1, 2, 3]));
    const e = [Math.exp(1), Math.exp(2), Math.exp(3)];
    const sum = e[0] + e[1] + e[2];
    expect(Array.from(p)).toEqual(e.map((v) => Math.fround(v / sum)));
  });

  it('stays finite for huge logits', () => {
    expect(Array.from(softmax([1000, 1000, -1000]))).toEqual([0.5, 0.5, 0]);
  });
});

describe('topK', () => {
  it('returns the k best classes, best first, ties by class index', () => {
    expect(topK([0.1, 0.4, 0.05, 0.4, 0.05], 3)).toEqual([
      { classIndex: 1, score: 0.4 },
      { classIndex: 3, score: 0.4 },
      { classIndex: 0, score: 0.1 },
    ]);
  });

  it('drops classes below minScore', () => {
    expect(topK([0.1, 0.6, 0.3], 10, 0.3).map((c) => c.classIndex)).toEqual([1, 2]);
  });
});
