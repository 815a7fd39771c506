import { describe, expect, it } from 'vitest';
import { levenshtein, similarity } from './similarity.ts';

describe('levenshtein', () => {
  it('counts insertions, deletions and substitutions', () => {
    expect(levenshtein('kitten', 'sitting')).toBe(3);
    expect(levenshtein('', 'abc')).toBe(3);
    expect(levenshtein('韩国小馆', '韩国小馆')).toBe(0);
  });

  it('counts a character outside the BMP as one', () => {
    expect(levenshtein('𠀀a', 'a')).toBe(1);
  });
});

describe('similarity', () => {
  it('is 1 for equal strings and falls with each edit over the longer length', () => {
    expect(similarity('', '')).toBe(1);
    expect(similarity('实力活力', '实力活')).toBe(0.75);
    expect(similarity('已取之時不參一人見而', '已取之時不参一人见而')).toBe(0.8);
    expect(similarity('abc', 'xyz')).toBe(0);
  });
});
