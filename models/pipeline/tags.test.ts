import { describe, expect, it } from 'vitest';
import { RecognitionError } from './errors.ts';
import { imageToTensor, inputFrame, type DecodedImage } from './image.ts';
import type { Manifest, Preprocess, VocabularyTag } from './manifest.ts';
import { mapBox, mergeTags, tagsFromClassifier, tagsFromDetections, vocabularyOf, type ScoredTag } from './tags.ts';

const vocabulary = new Map<string, VocabularyTag>([
  ['coco:dog', { id: 'coco:dog', en: 'dog', zh: '狗', threshold: 0.3 }],
  ['coco:sports-ball', { id: 'coco:sports-ball', en: 'sports ball', zh: '运动球', threshold: 0.2 }],
  ['imagenet:golden-retriever', { id: 'imagenet:golden-retriever', en: 'golden retriever', zh: '金毛寻回犬', threshold: 0.5 }],
]);

const stretch512: Preprocess = { width: 512, height: 512, resize: 'stretch', layout: 'NCHW', scale: 1, mean: [0, 0, 0], std: [1, 1, 1] };
const box = (score: number) => ({ x: 0, y: 0, w: 1, h: 1, score });
const det = (classIndex: number, score: number, x1 = 0, y1 = 0, x2 = 1, y2 = 1) => ({ classIndex, score, x1, y1, x2, y2 });

describe('mapBox', () => {
  it('maps model-input pixels to photo pixels and clamps to the photo', () => {
    const frame = inputFrame(stretch512, 1000, 500);
    expect(mapBox(det(0, 0.9, 128, 256, 256, 512), frame, 1000, 500)).toEqual({ x: 250, y: 250, w: 250, h: 250, score: 0.9 });
    expect(mapBox(det(0, 0.9, -20, -5, 600, 100), frame, 1000, 500)).toEqual({ x: 0, y: 0, w: 1000, h: 100 * (500 / 512), score: 0.9 });
  });

  it('finds an object where it is in the upright photo, from a turned and downscaled decode', () => {
    // The header says 400×200 stored, orientation 6 (upright 200×400); the decoder gave half size.
    // A bright rectangle at stored x 20–60, y 10–30 of the decode is at stored x 40–120, y 20–60
    // of the photo, i.e. upright x 140–180, y 40–120.
    const data = new Uint8Array(200 * 100 * 4);
    for (let y = 10; y < 30; y++) for (let x = 20; x < 60; x++) data.fill(255, (y * 200 + x) * 4, (y * 200 + x) * 4 + 3);
    const decoded: DecodedImage = { data, width: 200, height: 100 };
    const pre: Preprocess = { ...stretch512, width: 64, height: 64 };
    const tensor = imageToTensor(decoded, 6, pre);
    let [x1, y1, x2, y2] = [Infinity, Infinity, -Infinity, -Infinity];
    for (let i = 0; i < 64 * 64; i++) {
      if (tensor.data[i] < 128) continue;
      const [x, y] = [i % 64, Math.floor(i / 64)];
      [x1, y1, x2, y2] = [Math.min(x1, x), Math.min(y1, y), Math.max(x2, x + 1), Math.max(y2, y + 1)];
    }
    const found = mapBox(det(0, 1, x1, y1, x2, y2), inputFrame(pre, 200, 400), 200, 400);
    const pixel = { x: 200 / 64, y: 400 / 64 }; // one model-input pixel on the photo
    expect(Math.abs(found.x - 140)).toBeLessThanOrEqual(pixel.x);
    expect(Math.abs(found.x + found.w - 180)).toBeLessThanOrEqual(pixel.x);
    expect(Math.abs(found.y - 40)).toBeLessThanOrEqual(pixel.y);
    expect(Math.abs(found.y + found.h - 120)).toBeLessThanOrEqual(pixel.y);
  });

  it('maps centre-cropped inputs back through the crop', () => {
    const crop: Preprocess = { ...stretch512, width: 224, height: 224, resize: 'center-crop', resizeShortSide: 256 };
    // 1024×512 → 512×256, crop starts at x 144, y 16; 2 photo px per resized px.
    const found = mapBox(det(0, 1, 0, 0, 224, 224), inputFrame(crop, 1024, 512), 1024, 512);
    expect(found).toEqual({ x: 288, y: 32, w: 448, h: 448, score: 1 });
  });
});

describe('tagsFromDetections / tagsFromClassifier', () => {
  it('gives one tag per class scored by its best box, boxes best first', () => {
    const classes = ['coco:dog', 'coco:sports-ball'];
    const tags = tagsFromDetections([det(0, 0.4), det(1, 0.25), det(0, 0.8)], classes, (d) => box(d.score));
    expect(tags).toEqual([
      { id: 'coco:dog', score: 0.8, source: 'detector', boxes: [box(0.8), box(0.4)] },
      { id: 'coco:sports-ball', score: 0.25, source: 'detector', boxes: [box(0.25)] },
    ]);
  });

  it('names classifier classes by their tag ids', () => {
    const classes = ['imagenet:tench', 'imagenet:golden-retriever'];
    expect(tagsFromClassifier([{ classIndex: 1, score: 0.7 }], classes)).toEqual([
      { id: 'imagenet:golden-retriever', score: 0.7, source: 'classifier', boxes: [] },
    ]);
  });
});

describe('mergeTags', () => {
  const scored: ScoredTag[] = [
    { id: 'coco:sports-ball', score: 0.25, source: 'detector', boxes: [box(0.25), box(0.1)] },
    { id: 'imagenet:golden-retriever', score: 0.45, source: 'classifier', boxes: [] },
    { id: 'coco:dog', score: 0.9, source: 'detector', boxes: [box(0.9), box(0.35), box(0.12)] },
  ];

  it('says of a corrected tag what the base model said and whether it would have shown it', () => {
    const corrected = new Map(vocabulary).set('imagenet:golden-retriever', {
      ...vocabulary.get('imagenet:golden-retriever')!, threshold: 0.6, correction: { people: 7, baseThreshold: 0.5 },
    });
    const [tag] = mergeTags([{ id: 'imagenet:golden-retriever', score: 0.7, baseScore: 0.45, source: 'classifier', boxes: [] }], corrected);
    expect(tag).toMatchObject({ score: 0.7, shown: true, correction: { baseScore: 0.45, shownByBase: false, people: 7 } });
  });

  it('lists the shown tags by score with names, and only the boxes that pass the threshold', () => {
    expect(mergeTags(scored, vocabulary)).toEqual([
      { id: 'coco:dog', en: 'dog', zh: '狗', score: 0.9, source: 'detector', shown: true, boxes: [box(0.9), box(0.35)] },
      { id: 'coco:sports-ball', en: 'sports ball', zh: '运动球', score: 0.25, source: 'detector', shown: true, boxes: [box(0.25)] },
    ]);
  });

  it('with minScore lists every tag reaching it, shown or not', () => {
    const tags = mergeTags(scored, vocabulary, 0.1);
    expect(tags.map((t) => [t.id, t.shown])).toEqual([
      ['coco:dog', true],
      ['imagenet:golden-retriever', false],
      ['coco:sports-ball', true],
    ]);
    expect(tags[1].boxes).toBeUndefined();
    expect(mergeTags(scored, vocabulary, 0.5).map((t) => t.id)).toEqual(['coco:dog']);
  });

  it('keeps boxes at minScore for a listed tag that is not shown', () => {
    const weakDog: ScoredTag = { id: 'coco:dog', score: 0.2, source: 'detector', boxes: [box(0.2), box(0.08)] };
    expect(mergeTags([weakDog], vocabulary, 0.1)).toEqual([
      { id: 'coco:dog', en: 'dog', zh: '狗', score: 0.2, source: 'detector', shown: false, boxes: [box(0.2)] },
    ]);
  });

  it('lets the higher score speak for a tag two models name, keeping all boxes', () => {
    const fromClassifier: ScoredTag = { id: 'coco:dog', score: 0.95, source: 'classifier', boxes: [] };
    const tags = mergeTags([scored[2], fromClassifier], vocabulary);
    expect(tags).toEqual([
      { id: 'coco:dog', en: 'dog', zh: '狗', score: 0.95, source: 'classifier', shown: true, boxes: [box(0.9), box(0.35)] },
    ]);
  });

  it('orders equal scores by id so results are stable', () => {
    const tie: ScoredTag[] = [
      { id: 'coco:sports-ball', score: 0.6, source: 'detector', boxes: [] },
      { id: 'coco:dog', score: 0.6, source: 'detector', boxes: [] },
    ];
    expect(mergeTags(tie, vocabulary).map((t) => t.id)).toEqual(['coco:dog', 'coco:sports-ball']);
  });
});

describe('vocabularyOf', () => {
  it('refuses a bundle whose model outputs a tag the vocabulary lacks', () => {
    const manifest = {
      version: 'v1',
      tags: [...vocabulary.values()],
      models: [{ kind: 'classifier', file: 'classifier.onnx', classes: ['imagenet:golden-retriever', 'imagenet:unicorn'] }],
    } as unknown as Manifest;
    expect(() => vocabularyOf(manifest)).toThrow(RecognitionError);
    expect(() => vocabularyOf(manifest)).toThrow(/imagenet:unicorn/);
  });
});
