import { describe, expect, it } from 'vitest';
import { VocabularyTagSchema, type VocabularyTag } from '../../models/pipeline/manifest.ts';
import { headVocabulary, heldBackReason, taughtTag } from './taught-names.ts';

const vocabulary: VocabularyTag[] = [
  { id: 'coco:dog', en: 'dog', zh: '狗', pinyin: 'gou', threshold: 0.4 },
  { id: 'text:金毛', en: '金毛', zh: '金毛', pinyin: 'jin mao', threshold: 0.5, taught: true },
];

describe('names held back from training', () => {
  it.each([
    ['visit evil.example now', 'web-address'],
    ['https://x.y/z', 'web-address'],
    ['www.taobao', 'web-address'],
    ['买买买.com', 'web-address'],
    ['sales@shop.cn', 'email-address'],
    ['call 138 0013 8000', 'phone-or-contact'],
    ['加微信 abc123', 'phone-or-contact'],
    ['QQ 12345', 'phone-or-contact'],
    ['follow @cheapdeals', 'phone-or-contact'],
  ])('holds back "%s" (%s)', (text, reason) => {
    expect(heldBackReason(`text:${text}`)).toBe(reason);
  });

  it.each(['金毛', 'golden retriever', '7-eleven', 'mr. bean', 'No. 5 bus', 'iPhone 15', '2024 年的雪'])('lets "%s" through', (text) => {
    expect(heldBackReason(`text:${text}`)).toBeNull();
  });
});

describe('taught tag names', () => {
  it('names a Chinese tag by its text in both languages, with pinyin for search', () => {
    expect(taughtTag('text:金毛', 0.3)).toEqual({ id: 'text:金毛', zh: '金毛', en: '金毛', pinyin: 'jin mao', threshold: 0.3, taught: true });
  });

  it('names a Latin tag by its text in both languages, without pinyin', () => {
    const tag = taughtTag('text:golden retriever', 0.6);
    expect(tag).toEqual({ id: 'text:golden retriever', zh: 'golden retriever', en: 'golden retriever', threshold: 0.6, taught: true });
    expect(VocabularyTagSchema.safeParse(tag).success).toBe(true);
  });

  it('keeps the names the vocabulary has and gives every head tag its new threshold, in head order; a corrected base tag says from how many people', () => {
    const thresholds = new Map([['text:cat tree', 0.25], ['coco:dog', 0.55], ['text:金毛', 0.7]]);
    const corrected = headVocabulary(['text:cat tree', 'coco:dog', 'text:金毛'], thresholds, vocabulary, new Map([['coco:dog', 12]]));
    expect(corrected).toEqual([
      { id: 'text:cat tree', zh: 'cat tree', en: 'cat tree', threshold: 0.25, taught: true },
      { id: 'coco:dog', en: 'dog', zh: '狗', pinyin: 'gou', threshold: 0.55, correction: { people: 12, baseThreshold: 0.4 } },
      { id: 'text:金毛', en: '金毛', zh: '金毛', pinyin: 'jin mao', threshold: 0.7, taught: true },
    ]);
    // Corrected again, it keeps the base models' own threshold, not the last correction's.
    expect(headVocabulary(['coco:dog'], new Map([['coco:dog', 0.4]]), corrected, new Map([['coco:dog', 20]]))[0].correction).toEqual({ people: 20, baseThreshold: 0.4 });
  });

  it('refuses a head tag without a calibrated threshold', () => {
    expect(() => headVocabulary(['text:x'], new Map(), vocabulary, new Map())).toThrow(/text:x/);
  });
});
