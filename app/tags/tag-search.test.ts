import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseManifest } from '../../models/pipeline/manifest.ts';
import { bundleDir } from '../../test/env.ts';
import { createTagIndex, resolveTagInput, type SearchOptions } from './tag-search.ts';

/** The vocabulary the app loads: the built bundle's manifest (1,054 tags, with pinyin). */
const vocabulary = parseManifest(JSON.parse(readFileSync(join(bundleDir, 'manifest.json'), 'utf8'))).tags;
const index = createTagIndex(vocabulary);
const keys = (query: string, options?: SearchOptions, limit?: number) =>
  index.search(query, options, limit).map((suggestion) => suggestion.key);

describe('tag search', () => {
  it('offers 狗 first for "gou", "dog", "狗" and "ＤＯＧ"', () => {
    for (const query of ['gou', 'dog', '狗', 'ＤＯＧ']) {
      const [first] = index.search(query);
      expect(first, query).toMatchObject({ tag: { id: 'coco:dog' }, key: 'coco:dog', zh: '狗', en: 'dog' });
    }
    expect(index.search('gou')[0].match).toBe('pinyin');
    expect(index.search('dog')[0].match).toBe('en');
  });

  it('reads pinyin by syllables, with or without spaces, partly typed, or as initials', () => {
    for (const query of ['jin mao', 'jinmao', 'jinmaoxunhuiquan', 'jin mao xun h', 'jmxhq']) {
      expect(keys(query), query).toContain('imagenet:golden-retriever');
    }
    expect(keys('jinmaoxunhuiquan')[0]).toBe('imagenet:golden-retriever');
    expect(keys('jinmaoquan')).not.toContain('imagenet:golden-retriever');
  });

  it('suggests 金毛寻回犬 for "金毛", and English names by word prefix before mere substrings', () => {
    expect(keys('金毛')[0]).toBe('imagenet:golden-retriever');
    expect(keys('retriever')).toEqual(expect.arrayContaining(['imagenet:golden-retriever', 'imagenet:labrador-retriever']));
    // Exact, then names starting with it, then a word starting with it, then a name merely containing it.
    const cat = index.search('cat').map((suggestion) => suggestion.en);
    expect(cat.slice(0, 3)).toEqual(['cat', 'catamaran', 'tiger cat']);
    expect(cat.indexOf('polecat')).toBeGreaterThan(cat.indexOf('Persian cat'));
  });

  it('puts the model’s own guesses for the photo first among equally good matches', () => {
    const plain = keys('retriever', {}, 20);
    const guessed = plain.at(-1)!;
    expect(plain[0]).not.toBe(guessed);
    expect(keys('retriever', { guesses: [{ id: guessed, score: 0.1 }] }, 20)[0]).toBe(guessed);
    // A better match still wins over a guess.
    expect(keys('dog', { guesses: [{ id: 'coco:hot-dog', score: 0.2 }] })[0]).toBe('coco:dog');
  });

  it('lists the guesses, best first, before anything is typed', () => {
    const guesses = [
      { id: 'coco:cat', score: 0.1 },
      { id: 'coco:dog', score: 0.2 },
      { id: 'coco:bench', score: 0.15 },
    ];
    const offered = index.search('', { guesses, exclude: new Set(['coco:bench']) });
    expect(offered.map(({ key, match }) => [key, match])).toEqual([
      ['coco:dog', 'guess'],
      ['coco:cat', 'guess'],
    ]);
  });

  it('leaves out the tags the photo already has and keeps to the limit', () => {
    expect(keys('dog', { exclude: new Set(['coco:dog']) })).not.toContain('coco:dog');
    expect(keys('a', {}, 3)).toHaveLength(3);
    expect(index.search('a')).toHaveLength(8);
  });

  it('suggests the person’s earlier free-text tags once each, also by pinyin of known characters', () => {
    const mine = createTagIndex(vocabulary, ['金毛', ' 金毛 ', '“金毛”', 'Dog', 'my mug']);
    expect(mine.search('金毛')[0]).toEqual({ tag: { text: '金毛' }, key: 'text:金毛', en: '金毛', zh: '金毛', match: 'zh' });
    expect(mine.search('jinmao')[0].key).toBe('text:金毛');
    expect(mine.search('jinmao').map((s) => s.key)).toContain('imagenet:golden-retriever');
    expect(mine.search('金毛').filter((s) => s.key === 'text:金毛')).toHaveLength(1);
    // "Dog" is the vocabulary's dog, not a second tag.
    expect(mine.search('dog').map((s) => s.key)).not.toContain('text:dog');
    expect(mine.search('mug').map((s) => s.key)).toContain('text:my mug');
  });
});

describe('resolveTagInput', () => {
  it('turns a vocabulary name in either language, any width or case, into the tag id', () => {
    expect(resolveTagInput('ＤＯＧ ', index)).toEqual({ id: 'coco:dog' });
    expect(resolveTagInput(' 狗', index)).toEqual({ id: 'coco:dog' });
    expect(resolveTagInput('Golden Retriever', index)).toEqual({ id: 'imagenet:golden-retriever' });
  });

  it('keeps text the vocabulary lacks as a normalised free-text tag', () => {
    expect(resolveTagInput('金毛', index)).toEqual({ text: '金毛' });
    expect(resolveTagInput(' “Ｃｏｒｇｉ　Puppy” ', index)).toEqual({ text: 'corgi puppy' });
  });

  it('returns the person’s earlier tag, and nothing for empty or overlong text', () => {
    const mine = createTagIndex(vocabulary, ['My Mug']);
    expect(resolveTagInput('MY MUG', mine)).toEqual({ text: 'my mug' });
    expect(resolveTagInput(' 　“” ', index)).toBeNull();
    expect(resolveTagInput('长'.repeat(41), index)).toBeNull();
  });
});
