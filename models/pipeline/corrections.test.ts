import { describe, expect, it } from 'vitest';
import { applyCorrections, baseScoresOf, correctedScore } from './corrections.ts';
import type { ScoredTag } from './tags.ts';

const tag = (id: string, score: number): ScoredTag => ({ id, score, source: 'detector', boxes: [{ x: 0, y: 0, w: 1, h: 1, score }] });
const logit = (p: number) => Math.log(p / (1 - p));

describe('applyCorrections', () => {
  it('moves a corrected tag by its log-odds, boxes too, and leaves the others as they were', () => {
    const [dog, cat] = applyCorrections([tag('coco:dog', 0.4), tag('coco:cat', 0.6)], new Map([['coco:dog', logit(0.9)]]), 0.1);
    // Log-odds add: 0.4 moved by the log-odds of 0.9 is 6:1 for.
    expect(dog.score).toBeCloseTo(6 / 7, 6);
    expect(dog).toMatchObject({ baseScore: 0.4, boxes: [{ score: expect.closeTo(6 / 7, 6) }] });
    expect(cat).toEqual(tag('coco:cat', 0.6));
  });

  it('lifts a tag the base models scored below the floor from the floor, listing it only when it reaches minScore', () => {
    const lifted = applyCorrections([], new Map([['coco:zebra', 5], ['coco:horse', 1]]), 0.2);
    expect(lifted).toEqual([{ id: 'coco:zebra', score: expect.closeTo(correctedScore(undefined, 5), 6), source: 'head', baseScore: 0, boxes: [] }]);
    expect(correctedScore(0.001, 5)).toBe(correctedScore(undefined, 5));
  });
});

describe('baseScoresOf', () => {
  it('keeps each base tag at or above the floor once, rounded to thousandths', () => {
    expect(baseScoresOf([tag('coco:dog', 0.43219), tag('coco:dog', 0.5), tag('imagenet:kite', 0.005)])).toEqual({ 'coco:dog': 0.5 });
  });
});
