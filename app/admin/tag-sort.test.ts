import { describe, expect, it } from 'vitest';
import type { AdminTagQuality } from '../../server/contract/admin.ts';
import { nextSort, sortTags } from './tag-sort.ts';

const tag = (tagKey: string, en: string, zh: string, precision: number | null, support: number): AdminTagQuality => ({
  tagKey,
  en,
  zh,
  precision,
  recall: precision,
  support,
});
const tags = [tag('coco:dog', 'dog', '狗', 0.5, 10), tag('coco:cat', 'cat', '猫', null, 0), tag('coco:bus', 'bus', '公共汽车', 0.9, 3)];
const keys = (sorted: AdminTagQuality[]) => sorted.map((row) => row.tagKey);

describe('sortTags', () => {
  it('sorts by a number either way, tags without data last', () => {
    expect(keys(sortTags(tags, { column: 'precision', descending: true }, 'en'))).toEqual(['coco:bus', 'coco:dog', 'coco:cat']);
    expect(keys(sortTags(tags, { column: 'precision', descending: false }, 'en'))).toEqual(['coco:dog', 'coco:bus', 'coco:cat']);
    expect(keys(sortTags(tags, { column: 'support', descending: true }, 'en'))).toEqual(['coco:dog', 'coco:bus', 'coco:cat']);
  });

  it('sorts by the name in the shown language', () => {
    expect(keys(sortTags(tags, { column: 'tag', descending: false }, 'en'))).toEqual(['coco:bus', 'coco:cat', 'coco:dog']);
    expect(keys(sortTags(tags, { column: 'tag', descending: true }, 'en'))).toEqual(['coco:dog', 'coco:cat', 'coco:bus']);
  });
});

describe('nextSort', () => {
  it('flips the same column and starts a new one at its natural order', () => {
    expect(nextSort({ column: 'support', descending: true }, 'support')).toEqual({ column: 'support', descending: false });
    expect(nextSort({ column: 'support', descending: true }, 'recall')).toEqual({ column: 'recall', descending: true });
    expect(nextSort({ column: 'support', descending: true }, 'tag')).toEqual({ column: 'tag', descending: false });
  });
});
