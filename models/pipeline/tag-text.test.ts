import { describe, expect, it } from 'vitest';
import { normaliseTagText } from './tag-text.ts';

describe('normaliseTagText', () => {
  it('folds full-width letters, digits and the ideographic space to half width and lower-cases Latin', () => {
    expect(normaliseTagText('ＤＯＧ　')).toBe('dog');
    expect(normaliseTagText('Ｔ恤２０２４')).toBe('t恤2024');
    expect(normaliseTagText('Golden Retriever')).toBe('golden retriever');
  });

  it('trims and collapses inner whitespace of any kind to one space', () => {
    expect(normaliseTagText('  hot \t\n　dog  ')).toBe('hot dog');
    expect(normaliseTagText('金\u200b毛')).toBe('金毛');
  });

  it('strips quotes, brackets and sentence marks around the tag but keeps them inside', () => {
    expect(normaliseTagText('“金毛”')).toBe('金毛');
    expect(normaliseTagText('「柯基」。')).toBe('柯基');
    expect(normaliseTagText('"dog!"')).toBe('dog');
    expect(normaliseTagText('（猫）')).toBe('猫');
    expect(normaliseTagText('【 柯基 】')).toBe('柯基');
    expect(normaliseTagText('(dog')).toBe('dog');
    expect(normaliseTagText('Crane (Bird)')).toBe('crane (bird)');
    expect(normaliseTagText("jack-o'-lantern")).toBe("jack-o'-lantern");
    expect(normaliseTagText('c#')).toBe('c#');
  });

  it('returns an empty string when nothing meaningful is left', () => {
    expect(normaliseTagText('')).toBe('');
    expect(normaliseTagText(' 　\t')).toBe('');
    expect(normaliseTagText('“”。!')).toBe('');
  });

  it('is idempotent', () => {
    for (const text of ['ＤＯＧ　', '“金毛”', '  hot \t dog ', 'Ｔ恤', '((a) b)', '-_-']) {
      expect(normaliseTagText(normaliseTagText(text))).toBe(normaliseTagText(text));
    }
  });
});
