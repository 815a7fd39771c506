import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../server/seeded-random.ts';
import { createNodeBackend } from '../../server/inference/ort-node-backend.ts';
import { loadWarnings } from '../convert/ort-run.ts';
import { decodeHead, encodeHead, HEAD_INPUT, HEAD_OUTPUT } from './encode-head.ts';
import type { TagHead } from './head.ts';

function randomHead(dims: number, tags: string[], seed: number): TagHead {
  const random = seededRandom(seed);
  return {
    dims,
    tags,
    weights: Float32Array.from({ length: dims * tags.length }, () => random.normal() * 0.2),
    bias: Float32Array.from(tags, () => random.normal()),
  };
}

/** scores = sigmoid(embedding · weights + bias), in plain TypeScript. */
function scoresOf(head: TagHead, embedding: Float32Array): number[] {
  return head.tags.map((_, t) => {
    let logit = head.bias[t];
    for (let d = 0; d < head.dims; d++) logit += embedding[d] * head.weights[d * head.tags.length + t];
    return 1 / (1 + Math.exp(-logit));
  });
}

describe('encodeHead', () => {
  const head = randomHead(24, ['text:金毛', 'text:测试', 'coco:dog'], 7);

  it('runs in onnxruntime as sigmoid(embedding · W + b), loading without warnings', async () => {
    const bytes = encodeHead(head);
    expect(loadWarnings(bytes)).toBe('');
    const session = await createNodeBackend().createSession(bytes);
    try {
      const random = seededRandom(11);
      const embedding = Float32Array.from({ length: head.dims }, () => random.next() * 4);
      const { [HEAD_OUTPUT]: scores } = await session.run({ [HEAD_INPUT]: { data: embedding, dims: [1, head.dims] } });
      expect(scores.dims).toEqual([1, 3]);
      const expected = scoresOf(head, embedding);
      scores.data.forEach((score, t) => expect(score).toBeCloseTo(expected[t], 5));
    } finally {
      await session.release();
    }
  });

  it('decodeHead gives back the same tags, weights and bias', () => {
    const decoded = decodeHead(encodeHead(head));
    expect(decoded.dims).toBe(24);
    expect(decoded.tags).toEqual(head.tags);
    expect(Array.from(decoded.weights)).toEqual(Array.from(head.weights));
    expect(Array.from(decoded.bias)).toEqual(Array.from(head.bias));
  });

  it('refuses a head whose weights do not fit its tags, and bytes that are not a head', () => {
    expect(() => encodeHead({ ...head, tags: ['a', 'b'] })).toThrow(/do not fit 24 dims × 2 tags/);
    expect(() => decodeHead(new Uint8Array([8, 8]))).toThrow(/Not a Wanwu head/);
  });
});
