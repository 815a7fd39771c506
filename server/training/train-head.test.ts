import { describe, expect, it } from 'vitest';
import { scoreRows } from './linear-kernels.ts';
import { evaluateScores } from './metrics.ts';
import { syntheticSet } from './synthetic-set.ts';
import { trainHead } from './train-head.ts';
import type { TrainingSet } from './types.ts';

const rowsOf = (set: TrainingSet, split: string) => set.split.flatMap((s, row) => (s === split ? [row] : []));

describe('trainHead', () => {
  const set = syntheticSet({ samples: 600, dims: 32, tags: 4, separation: 6 });
  const train = rowsOf(set, 'train');
  const heldOut = rowsOf(set, 'heldOut');

  it('learns tags that held-out photos show', async () => {
    const head = await trainHead(set, train, { epochs: 5 });
    expect(head.tags).toEqual(set.tags);
    const metrics = evaluateScores(set, heldOut, await scoreRows(head, set.x, heldOut), new Map());
    expect(metrics.mAP).toBeGreaterThan(0.9);
  });

  it('reads raw embeddings however they are offset and scaled', async () => {
    const shifted = { ...set, x: set.x.map((value, i) => (i % 2 ? 1000 + value * 0.001 : value)) };
    const head = await trainHead(shifted, train, { epochs: 5 });
    const metrics = evaluateScores(shifted, heldOut, await scoreRows(head, shifted.x, heldOut), new Map());
    expect(metrics.mAP).toBeGreaterThan(0.9);
  });

  it('gives the same head for the same seed', async () => {
    const [a, b] = [await trainHead(set, train, { epochs: 2, seed: 7 }), await trainHead(set, train, { epochs: 2, seed: 7 })];
    expect(a.weights).toEqual(b.weights);
    expect(a.bias).toEqual(b.bias);
  });

  it('ignores cells of weight 0', async () => {
    // Flip every label of tag 0 but give the flipped cells no weight: nothing may change.
    const masked = { ...set, target: set.target.map((v, i) => (i % 4 === 0 ? 1 - v : v)), weight: set.weight.map((w, i) => (i % 4 === 0 ? 0 : w)) };
    const head = await trainHead(masked, train, { epochs: 2 });
    const scores = await scoreRows(head, set.x, heldOut);
    const tag0 = evaluateScores(set, heldOut, scores, new Map()).perTagAP[set.tags[0]];
    expect(tag0).toBeLessThan(0.7);
    expect(evaluateScores(set, heldOut, scores, new Map()).perTagAP[set.tags[1]]).toBeGreaterThan(0.9);
  });
});
