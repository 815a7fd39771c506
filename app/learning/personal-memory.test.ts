import { describe, expect, it } from 'vitest';
import type { Tag } from '../../models/pipeline/types.ts';
import type { CorrectedExample } from '../store/local-store.ts';
import { applyPersonal, PersonalMemory, SCENE_DIMS, type PersonalSuggestion } from './personal-memory.ts';

const DIMS = SCENE_DIMS;

/** A deterministic non-negative embedding, like the detector's pooled features. */
function embedding(seed: number): Float32Array {
  let state = seed;
  return Float32Array.from({ length: DIMS }, () => (state = (state * 16807) % 2147483647) / 2147483647);
}

/** A vector whose cosine with `base` is exactly `cosine` (base plus an orthogonal part). */
function withCosine(base: Float32Array, cosine: number, seed = 99): Float32Array {
  const unit = scale(base, 1 / norm(base));
  const other = embedding(seed);
  const along = dot(other, unit);
  const orthogonal = other.map((x, i) => x - along * unit[i]!);
  const sideways = scale(orthogonal, 1 / norm(orthogonal));
  return unit.map((x, i) => cosine * x + Math.sqrt(1 - cosine * cosine) * sideways[i]!);
}

const dot = (a: Float32Array, b: Float32Array) => a.reduce((sum, x, i) => sum + x * b[i]!, 0);
const norm = (a: Float32Array) => Math.sqrt(dot(a, a));
const scale = (a: Float32Array, k: number) => a.map((x) => x * k);

const dogPhoto = embedding(7);
const dog: CorrectedExample = {
  photoId: 'dog',
  embedding: dogPhoto,
  labels: [
    { key: 'coco:dog', tag: { id: 'coco:dog' }, en: 'dog', zh: '狗', verdict: 'correct' },
    { key: 'coco:cat', tag: { id: 'coco:cat' }, en: 'cat', zh: '猫', verdict: 'wrong' },
    { key: 'text:金毛', tag: { text: '金毛' }, en: '金毛', zh: '金毛', verdict: 'correct' },
  ],
};

describe('PersonalMemory', () => {
  it('suggests the tags confirmed or added on a near-duplicate (a mirrored copy: cosine 0.995)', () => {
    const { tags } = new PersonalMemory([dog]).suggest(withCosine(dogPhoto, 0.995));
    expect(tags.map((tag) => [tag.id, tag.en, tag.zh, tag.source, tag.shown])).toEqual([
      ['coco:dog', 'dog', '狗', 'personal', true],
      ['text:金毛', '金毛', '金毛', 'personal', true],
    ]);
    expect(tags[0]!.score).toBeGreaterThan(0.8);
  });

  it('suggests nothing for an unrelated photo, even at the cosine unrelated photos reach (0.95)', () => {
    const suggestion = new PersonalMemory([dog]).suggest(withCosine(dogPhoto, 0.95));
    expect(suggestion.tags).toEqual([]);
    expect([...suggestion.suppressed]).toEqual([]);
  });

  it('suppresses a tag marked wrong on a near-duplicate, but not on a merely similar photo', () => {
    const memory = new PersonalMemory([dog]);
    expect([...memory.suggest(withCosine(dogPhoto, 0.99)).suppressed]).toEqual(['coco:cat']);
    expect([...memory.suggest(withCosine(dogPhoto, 0.98)).suppressed]).toEqual([]);
  });

  it('lets the nearest photo that judged a tag decide, and grows confidence with similarity', () => {
    const query = embedding(11);
    const near = { ...dog, photoId: 'near', embedding: withCosine(query, 0.999, 1) };
    const cat = { key: 'coco:cat', tag: { id: 'coco:cat' }, en: 'cat', zh: '猫', verdict: 'correct' as const };
    const far = { photoId: 'far', embedding: withCosine(query, 0.98, 2), labels: [cat, { ...cat, key: 'coco:bed', en: 'bed', zh: '床' }] };
    const { tags, suppressed } = new PersonalMemory([far, near]).suggest(query);
    expect(tags.map((tag) => tag.id)).toEqual(['coco:dog', 'text:金毛', 'coco:bed']);
    expect(suppressed).toEqual(new Set(['coco:cat']));
    expect(tags[0]!.score).toBeGreaterThan(tags[2]!.score);
  });

  it('leaves out an excluded photo, a removed one and one whose labels were all undone', () => {
    const memory = new PersonalMemory([dog, { ...dog, photoId: 'copy' }]);
    const mirrored = withCosine(dogPhoto, 0.995);
    expect(memory.suggest(mirrored, { exclude: 'dog' }).tags).toHaveLength(2);
    memory.remove('copy');
    expect(memory.suggest(mirrored, { exclude: 'dog' }).tags).toEqual([]);
    memory.upsert({ ...dog, labels: [] });
    expect(memory.size).toBe(0);
    expect(memory.suggest(mirrored).tags).toEqual([]);
  });

  it('keeps the other rows intact when one in the middle is removed or replaced', () => {
    const photos = [1, 2, 3, 4].map((seed) => ({ ...dog, photoId: `p${seed}`, embedding: embedding(seed * 1000) }));
    const memory = new PersonalMemory(photos);
    memory.remove('p2');
    memory.upsert({ ...photos[0]!, labels: [dog.labels[0]!] });
    expect(memory.size).toBe(3);
    expect(memory.suggest(photos[0]!.embedding).tags.map((tag) => tag.id)).toEqual(['coco:dog']);
    expect(memory.suggest(photos[3]!.embedding).tags.map((tag) => tag.id)).toEqual(['coco:dog', 'text:金毛']);
    expect(memory.suggest(photos[1]!.embedding).tags).toEqual([]);
  });

  it("compares today's 960-d embeddings on their mean half, with those older versions kept (480-d)", () => {
    /** mean ‖ max as the detector writes it today, with an unrelated max half. */
    const full = (mean: Float32Array, seed: number) => Float32Array.of(...mean, ...embedding(seed).map((x) => x * 50));
    const mirrored = withCosine(dogPhoto, 0.995);
    const memory = new PersonalMemory([{ ...dog, embedding: full(dogPhoto, 1) }]);
    expect(memory.suggest(full(mirrored, 2)).tags.map((tag) => tag.id)).toEqual(['coco:dog', 'text:金毛']);
    expect(memory.suggest(mirrored).tags.map((tag) => tag.id)).toEqual(['coco:dog', 'text:金毛']);
    expect(memory.suggest(full(withCosine(dogPhoto, 0.95), 1)).tags).toEqual([]);
    expect(new PersonalMemory([dog]).suggest(full(mirrored, 3)).tags).toHaveLength(2);
  });

  it('refuses embeddings it cannot compare instead of suggesting from them', () => {
    const memory = new PersonalMemory([dog]);
    expect(memory.upsert({ ...dog, photoId: 'small', embedding: new Float32Array(16).fill(1) })).toBe(false);
    expect(memory.upsert({ ...dog, photoId: 'zero', embedding: new Float32Array(DIMS) })).toBe(false);
    expect(memory.size).toBe(1);
    expect(memory.suggest(new Float32Array(16).fill(1)).tags).toEqual([]);
  });
});

describe('applyPersonal', () => {
  const tag = (id: string, score: number, shown: boolean, source: Tag['source'] = 'detector'): Tag => ({
    id, en: id, zh: id, score, source, shown,
  });
  const personal = (id: string, score: number) => tag(id, score, true, 'personal');
  const merge = (model: Tag[], suggestion: Partial<PersonalSuggestion>) =>
    applyPersonal(model, { tags: [], suppressed: new Set(), ...suggestion }).map((t) => [t.id, t.source, t.shown, t.score]);

  it('hides a suppressed tag and adds a new personal one, best first', () => {
    expect(merge([tag('cat', 0.8, true), tag('dog', 0.6, true)], { tags: [personal('金毛', 0.7)], suppressed: new Set(['cat']) })).toEqual([
      ['金毛', 'personal', true, 0.7],
      ['dog', 'detector', true, 0.6],
      ['cat', 'detector', false, 0.8],
    ]);
  });

  it("keeps a tag a model already shows as the model's, and shows a hidden one as personal with its boxes", () => {
    const boxes = [{ x: 1, y: 2, w: 3, h: 4, score: 0.2 }];
    const merged = applyPersonal([tag('dog', 0.9, true), { ...tag('bed', 0.2, false), boxes }], {
      tags: [personal('dog', 0.6), personal('bed', 0.7)],
      suppressed: new Set(),
    });
    expect(merged).toEqual([tag('dog', 0.9, true), { ...personal('bed', 0.7), boxes }]);
  });
});
