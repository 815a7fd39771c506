import { describe, expect, it } from 'vitest';
import type { Tag } from '../../models/pipeline/types.ts';
import { chooseQuestion } from './quick-question.ts';

const tag = (id: string, score: number, source: Tag['source'] = 'detector'): Tag => ({
  id, en: id, zh: id, score, source, shown: score >= 0.3,
});
const thresholds = new Map([
  ['dog', 0.3],
  ['cat', 0.3],
  ['bed', 0.3],
  ['kite', 0.3],
]);
const none = new Set<string>();

describe('chooseQuestion', () => {
  it('asks about the tag whose score is closest to its threshold', () => {
    const tags = [tag('dog', 0.95), tag('cat', 0.36), tag('bed', 0.27), tag('kite', 0.05)];
    expect(chooseQuestion(tags, thresholds, none)?.id).toBe('bed');
  });

  it('asks nothing when every score is far from its threshold', () => {
    expect(chooseQuestion([tag('dog', 0.95), tag('kite', 0.05)], thresholds, none)).toBeNull();
  });

  it('prefers a tag the server wants evidence for, if it is close enough to be unsure', () => {
    const tags = [tag('cat', 0.31), tag('bed', 0.38), tag('kite', 0.9)];
    expect(chooseQuestion(tags, thresholds, none, new Set(['bed', 'kite']))?.id).toBe('bed');
  });

  it('skips judged tags, personal tags and tags without a threshold, and asks nothing once all are judged', () => {
    const tags = [tag('cat', 0.3), tag('dog', 0.31, 'personal'), tag('text:金毛', 0.3), tag('bed', 0.35)];
    expect(chooseQuestion(tags, thresholds, new Set(['cat']))?.id).toBe('bed');
    expect(chooseQuestion(tags, thresholds, new Set(['cat', 'bed']))).toBeNull();
  });
});
