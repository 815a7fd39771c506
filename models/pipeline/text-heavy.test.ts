import { describe, expect, it } from 'vitest';
import { imagenetLabels } from '../labels/labels.ts';
import { looksTextHeavy, textBearingTags } from './text-heavy.ts';
import type { Tag } from './types.ts';

function tag(id: string, score: number): Tag {
  return { id, en: id, zh: id, score, source: 'classifier', shown: score >= 0.25 };
}

const photo = { width: 640, height: 480 };

describe('looksTextHeavy', () => {
  it('names only classes the classifier has', () => {
    const known = new Set(imagenetLabels.map((label) => label.id));
    expect([...textBearingTags].filter((id) => !known.has(id))).toEqual([]);
  });

  it('says yes when a text-bearing class scores 0.1 or more, even when not shown', () => {
    expect(looksTextHeavy({ ...photo, tags: [tag('imagenet:hard-disc', 0.05), tag('imagenet:menu', 0.12)] })).toBe(true);
    expect(looksTextHeavy({ ...photo, tags: [tag('imagenet:web-site', 0.52)] })).toBe(true);
  });

  it('says no for a photo of things without text, or with text-bearing classes only just guessed', () => {
    expect(looksTextHeavy({ ...photo, tags: [] })).toBe(false);
    expect(looksTextHeavy({ ...photo, tags: [tag('coco:dog', 0.9), tag('imagenet:golden-retriever', 0.6)] })).toBe(false);
    expect(looksTextHeavy({ ...photo, tags: [tag('imagenet:menu', 0.09), tag('imagenet:street-sign', 0.05)] })).toBe(false);
    // Drink bottles stand in many scenes; COCO's books and stop signs are detected far off.
    expect(looksTextHeavy({ ...photo, tags: [tag('imagenet:wine-bottle', 0.5), tag('coco:book', 0.4), tag('coco:stop-sign', 0.5)] })).toBe(false);
  });

  it('takes a strip three times as long as it is high, or the other way up, for a line of text', () => {
    expect(looksTextHeavy({ width: 362, height: 78, tags: [] })).toBe(true);
    expect(looksTextHeavy({ width: 39, height: 445, tags: [] })).toBe(true);
    // 16:9 photos, 20:9 phone screenshots and 2.9:1 panoramas are not strips.
    expect(looksTextHeavy({ width: 1920, height: 1080, tags: [] })).toBe(false);
    expect(looksTextHeavy({ width: 1080, height: 2400, tags: [] })).toBe(false);
    expect(looksTextHeavy({ width: 640, height: 221, tags: [] })).toBe(false);
    expect(looksTextHeavy({ width: 0, height: 0, tags: [] })).toBe(false);
  });
});
