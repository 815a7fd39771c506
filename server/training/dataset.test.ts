import { describe, expect, it } from 'vitest';
import type { ConsensusItem } from '../storage/repository.ts';
import { buildTrainingSet, chooseHeadTags, HARD_WEIGHT, WEAK_NEGATIVE_WEIGHT } from './dataset.ts';
import { AUTOMATIC_REVIEW, type TagReview } from './tag-review.ts';
import { splitOf } from './split.ts';

const item = (photoId: string, tagKey: string, probability: number, hard = false): ConsensusItem => ({
  photoId,
  tagKey,
  probability,
  votes: 3,
  hard,
  modelScore: null,
});
const embedding = (photoId: string, dims = 2, baseScores: Record<string, number> | null = null) => ({ photoId, embedding: new Float32Array(dims).fill(1), baseScores });

describe('buildTrainingSet', () => {
  const tags = ['text:金毛', 'text:猫'];
  const built = buildTrainingSet({
    items: [
      item('a', 'text:金毛', 0.95, true),
      item('a', 'dog', 0.9),
      item('b', 'text:猫', 0.1),
      item('c', 'text:猫', 0.5),
      item('d', 'text:猫', 0.9),
      item('e', 'text:猫', 0.7),
    ],
    embeddings: [embedding('a'), embedding('b'), embedding('c'), embedding('d', 3), embedding('e')],
    tags,
    dims: 2,
    baseTags: new Set(['dog']),
  });
  const cell = (photo: string, tag: string) => {
    const i = built.set.photoIds.indexOf(photo) * tags.length + tags.indexOf(tag);
    return { target: built.set.target[i], weight: built.set.weight[i] };
  };

  it('keeps photos with a label (not a coin toss) and an embedding of the right width', () => {
    expect(built.set.photoIds).toEqual(['a', 'b', 'e']);
    expect(built.withoutEmbedding).toBe(1);
    expect(built.labels).toBe(2);
    expect(built.hardExamples).toBe(1);
  });

  it('labels items with their probability, weighted by how sure consensus is, hard ones weighted up', () => {
    expect(cell('a', 'text:金毛')).toEqual({ target: expect.closeTo(0.95, 6), weight: expect.closeTo(0.9 * HARD_WEIGHT, 6) });
    expect(cell('b', 'text:猫')).toEqual({ target: expect.closeTo(0.1, 6), weight: expect.closeTo(0.8, 6) });
    expect(cell('e', 'text:猫')).toEqual({ target: expect.closeTo(0.7, 6), weight: expect.closeTo(0.4, 6) });
  });

  it('makes unlabelled tags weak negatives only on photos someone said something is in', () => {
    expect(cell('a', 'text:猫')).toEqual({ target: 0, weight: expect.closeTo(WEAK_NEGATIVE_WEIGHT, 6) });
    expect(cell('b', 'text:金毛')).toEqual({ target: 0, weight: 0 });
  });

  it('gives a base tag\'s column the base log-odds as its offset, floored, and no label on photos sent without base scores', () => {
    const corrections = buildTrainingSet({
      items: [item('a', 'coco:dog', 0.9), item('b', 'coco:dog', 0.1), item('c', 'coco:dog', 0.9)],
      embeddings: [embedding('a', 2, { 'coco:dog': 0.8 }), embedding('b', 2, {}), embedding('c')],
      tags: ['coco:dog', 'text:金毛'],
      dims: 2,
      baseTags: new Set(['coco:dog']),
    }).set;
    expect(corrections.corrects).toEqual([true, false]);
    expect([...corrections.offset]).toEqual([expect.closeTo(Math.log(0.8 / 0.2), 5), 0, expect.closeTo(Math.log(0.01 / 0.99), 5), 0, 0, 0]);
    expect([...corrections.weight].filter((_, i) => i % 2 === 0)).toEqual([expect.closeTo(0.8, 5), expect.closeTo(0.8, 5), 0]);
  });
});

describe('chooseHeadTags', () => {
  const trainPhotos = Array.from({ length: 40 }, (_, i) => `p${i}`).filter((id) => splitOf(id) === 'train');

  it('learns taught tags with enough train positives, corrects base tags labelled enough each way, and keeps the current head tags', () => {
    const items = [
      ...trainPhotos.slice(0, 2).map((id) => item(id, 'text:金毛', 0.9)),
      ...trainPhotos.slice(0, 1).map((id) => item(id, 'text:猫', 0.9)),
      ...trainPhotos.slice(0, 5).map((id) => item(id, 'dog', 0.9)),
      ...trainPhotos.slice(0, 5).map((id) => item(id, 'text:不', 0.1)),
      // Five photos with a cat and five without: a correction can be judged. The dog is never denied.
      ...trainPhotos.slice(0, 10).map((id, i) => item(id, 'cat', i < 5 ? 0.9 : 0.1)),
    ];
    expect(chooseHeadTags(items, new Set(['dog', 'cat']), ['text:旧'], null, AUTOMATIC_REVIEW)).toEqual({
      tags: ['cat', 'text:旧', 'text:金毛'], corrected: ['cat'], heldBack: [], witnessed: [],
    });
  });

  it('holds back a taught tag whose name advertises, however many photos it has', () => {
    const items = ['text:visit evil.example now', 'text:金毛'].flatMap((tag) => trainPhotos.slice(0, 6).map((id) => item(id, tag, 0.95)));
    expect(chooseHeadTags(items, new Set(), [], null, AUTOMATIC_REVIEW)).toEqual({
      tags: ['text:金毛'], corrected: [], heldBack: [{ tag: 'text:visit evil.example now', reason: 'web-address' }], witnessed: [],
    });
  });

  it('learns a new tag only when three trusted devices taught it and another backs a held-out positive, and keeps a tag the head already has', () => {
    const heldOutPhotos = Array.from({ length: 40 }, (_, i) => `h${i}`).filter((id) => splitOf(id) === 'heldOut');
    const tags = ['text:金毛', 'text:独角兽', 'text:自说自话', 'text:旧'];
    const items = tags.flatMap((tag) => [...trainPhotos.slice(0, 6), heldOutPhotos[0]].map((id) => item(id, tag, 0.95)));
    const witnessed = new Set([heldOutPhotos[0]]);
    const everyPhoto = new Set(items.map((i) => i.photoId));
    const support = new Map([
      ['text:金毛', { trusted: 3, all: 3, witnessedPhotos: witnessed, vouchedPhotos: everyPhoto }],
      ['text:独角兽', { trusted: 2, all: 2, witnessedPhotos: witnessed, vouchedPhotos: everyPhoto }],
      // Its held-out positive was named only by its own teachers.
      ['text:自说自话', { trusted: 5, all: 5, witnessedPhotos: new Set<string>(), vouchedPhotos: everyPhoto }],
    ]);
    expect(chooseHeadTags(items, new Set(), ['text:旧'], support, AUTOMATIC_REVIEW)).toEqual({
      tags: ['text:旧', 'text:金毛'],
      corrected: [],
      heldBack: [{ tag: 'text:独角兽', reason: 'few-teachers' }, { tag: 'text:自说自话', reason: 'unwitnessed' }],
      witnessed: [{ tag: 'text:自说自话', photos: 0, of: 1 }, { tag: 'text:金毛', photos: 1, of: 1 }],
    });
  });

  it('under approval learns only what an admin approved, whatever the automatic checks say, and drops what an admin refused', () => {
    const tags = ['text:金毛', 'text:独角兽', 'text:7-eleven 0800 123 456', 'text:旧', 'text:spam'];
    const heldOutPhoto = Array.from({ length: 40 }, (_, i) => `h${i}`).find((id) => splitOf(id) === 'heldOut')!;
    const items = [...tags.flatMap((tag) => trainPhotos.slice(0, 6).map((id) => item(id, tag, 0.95))), item(heldOutPhoto, 'text:金毛', 0.95)];
    const everyPhoto = new Set(items.map((i) => i.photoId));
    const backing = (trusted: number) => ({ trusted, all: trusted, witnessedPhotos: new Set([heldOutPhoto]), vouchedPhotos: everyPhoto });
    const support = new Map([['text:金毛', backing(3)], ['text:独角兽', backing(1)], ['text:7-eleven 0800 123 456', backing(1)]]);
    const review: TagReview = {
      policy: 'approval',
      decisions: new Map([['text:独角兽', 'approved'], ['text:7-eleven 0800 123 456', 'approved'], ['text:旧', 'refused']]),
      merges: new Map(),
    };
    expect(chooseHeadTags(items, new Set(), ['text:旧', 'text:spam'], support, review)).toEqual({
      tags: ['text:7-eleven 0800 123 456', 'text:spam', 'text:独角兽'],
      corrected: [],
      // 金毛 passed every automatic check: under approval it still waits.
      heldBack: [{ tag: 'text:旧', reason: 'refused' }, { tag: 'text:金毛', reason: 'awaiting-approval' }],
      witnessed: [{ tag: 'text:金毛', photos: 1, of: 1 }],
    });
  });
});
