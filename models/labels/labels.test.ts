import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cocoMiniDir, labelsDir } from '../../test/env.ts';
import { cocoLabels, imagenetLabels, type Label } from './labels.ts';

/** Shape of the cross-check files in test/fixtures/labels. */
interface Reference {
  index: number;
  en: string;
  zh: string;
}

/** The id convention (README.md): lower case, apostrophes dropped, other non-alphanumeric runs become '-'. */
function slug(en: string): string {
  return en
    .toLowerCase()
    .replace(/'/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

const han = /\p{Script=Han}/u;

describe.each([
  { vocabulary: 'coco', labels: cocoLabels, size: 80 },
  { vocabulary: 'imagenet', labels: imagenetLabels, size: 1000 },
])('$vocabulary labels', ({ vocabulary, labels, size }) => {
  it(`has one entry per class (${size})`, () => {
    expect(labels).toHaveLength(size);
  });

  it('derives every id from the English name, and no two ids collide', () => {
    expect(labels.filter((label) => label.id !== `${vocabulary}:${slug(label.en)}`)).toEqual([]);
    expect(new Set(labels.map((label) => label.id)).size).toBe(size);
  });

  it('names every class in Chinese and English, without stray whitespace', () => {
    const bad = labels.filter(
      (label) => !han.test(label.zh) || label.en === '' || label.en.trim() !== label.en || label.zh.trim() !== label.zh,
    );
    expect(bad).toEqual([]);
  });
});

describe('coco labels', () => {
  it('use exactly the COCO class names, in the detector class order', () => {
    const names = readFileSync(resolve(cocoMiniDir, 'names.txt'), 'utf8').split('\n').filter(Boolean);
    expect(cocoLabels.map((label) => label.en)).toEqual(names);
  });

  it.each([
    ['coco:dog', 'dog', '狗'],
    ['coco:bus', 'bus', '公共汽车'],
    ['coco:sports-ball', 'sports ball', '球'],
    ['coco:cell-phone', 'cell phone', '手机'],
  ])('%s is %s / %s', (id, en, zh) => {
    expect(cocoLabels.find((label) => label.id === id)).toEqual({ id, en, zh });
  });
});

describe('imagenet labels', () => {
  it.each([
    [0, 'tench', '丁鲷'],
    [1, 'goldfish', '金鱼'],
    [134, 'crane (bird)', '鹤'],
    [207, 'golden retriever', '金毛寻回犬'],
    [517, 'crane (machine)', '起重机'],
    [638, 'maillot (tights)', '紧身衣'],
    [639, 'maillot (tank suit)', '连体泳衣'],
    [999, 'toilet tissue', '卫生纸'],
  ])('class %i is %s / %s', (index, en, zh) => {
    expect(imagenetLabels[index]).toMatchObject({ en, zh });
  });

  // Mistakes found in the reference cross-check file; ours must carry the right sense.
  it.each([
    [288, 'leopard', '豹'],
    [290, 'jaguar', '美洲豹'],
    [334, 'porcupine', '豪猪'],
    [576, 'gondola', '贡多拉船'],
    [616, 'knot', '绳结'],
    [666, 'mortar (bowl)', '研钵'],
    [681, 'notebook (computer)', '笔记本电脑'],
    [705, 'passenger car (railway)', '铁路客车'],
    [730, 'plow', '犁'],
    [992, 'agaric', '伞菌'],
  ])('class %i (%s) is %s', (index, en, zh) => {
    expect(imagenetLabels[index]).toMatchObject({ en, zh });
  });
});

describe('cross-check against the reference labels', () => {
  function reference(file: string): Reference[] {
    return JSON.parse(readFileSync(resolve(labelsDir, file), 'utf8')) as Reference[];
  }

  function reportChineseDifferences(name: string, ours: readonly Label[], theirs: Reference[]): void {
    const differing = ours.filter((label, index) => label.zh !== theirs[index].zh).length;
    console.log(`${name}: ${differing} of ${ours.length} Chinese names differ from the reference (ours are authoritative)`);
  }

  it('COCO: same English names in the same order', () => {
    const theirs = reference('coco_zh_en.json');
    expect(theirs.map((entry) => entry.index)).toEqual(cocoLabels.map((_, index) => index));
    expect(cocoLabels.map((label) => label.en)).toEqual(theirs.map((entry) => entry.en));
    reportChineseDifferences('COCO', cocoLabels, theirs);
  });

  it('ImageNet: the English names agree class by class, so the order is the same', () => {
    const theirs = reference('imagenet_zh_en.json');
    expect(theirs.map((entry) => entry.index)).toEqual(imagenetLabels.map((_, index) => index));
    const disagreeing = imagenetLabels.flatMap((label, index) => (sameClassName(label.en, theirs[index].en) ? [] : [index]));
    expect(disagreeing).toEqual(OTHER_SYNONYM_IN_REFERENCE);
    reportChineseDifferences('ImageNet', imagenetLabels, theirs);
  });
});

/**
 * The reference names classes in its own words ("Golden Retriever", "kite (bird of prey)", "chainsaw");
 * ours are the first WordNet synonym plus a qualifier. Two names agree when they share a word (our
 * qualifier included) or, written without spaces and punctuation, one contains the other or both
 * start alike ("bobsled"/"bobsleigh").
 */
function sameClassName(ours: string, theirs: string): boolean {
  const words = (name: string) => new Set(name.toLowerCase().replace(/'/g, '').split(/[^a-z0-9]+/).filter(Boolean));
  const theirWords = words(theirs);
  if ([...words(ours)].some((word) => theirWords.has(word))) return true;
  const squash = (name: string) => name.toLowerCase().replace(/[^a-z0-9]/g, '');
  const a = squash(ours.replace(/\s*\(.*\)$/, ''));
  const b = squash(theirs);
  return a.includes(b) || b.includes(a) || a.slice(0, 5) === b.slice(0, 5);
}

/** Classes where the reference picked a different synonym ("water ouzel" vs "American dipper", "cinema" vs "movie theater"). */
const OTHER_SYNONYM_IN_REFERENCE = [
  20, 27, 40, 84, 97, 140, 248, 326, 341, 389, 393, 421, 469, 487, 498, 509, 520, 533, 589, 607, 612, 632, 634, 636,
  667, 670, 690, 699, 744, 770, 814, 824, 829, 865, 895, 896, 914, 929, 930, 970, 978, 990, 998,
];
