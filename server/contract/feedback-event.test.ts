import { describe, expect, it } from 'vitest';
import { FeedbackEventSchema } from './feedback-event.ts';

const embeddingOf = (values: number[]) => Buffer.from(Float32Array.from(values).buffer).toString('base64');

const verdict = (fields: Record<string, unknown>) => ({
  id: '0190a3c4-5e6f-7a8b-9c0d-1e2f3a4b5c6d',
  type: 'tag-verdict',
  photoId: 'a'.repeat(64),
  tag: { id: 'dog' },
  verdict: 'correct',
  model: 'test-1',
  at: '2026-01-02T03:04:05.678+08:00',
  ...fields,
});

const problem = (fields: Record<string, unknown>) => {
  const parsed = FeedbackEventSchema.safeParse(verdict(fields));
  return parsed.success ? null : parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
};

describe('an event embedding', () => {
  it('is accepted as base64 of exactly dims float32 values, with or without padding', () => {
    expect(problem({})).toBeNull();
    for (const dims of [1, 2, 3, 480]) {
      const embedding = embeddingOf(Array.from({ length: dims }, (_, d) => d / 7));
      expect(problem({ embedding, dims })).toBeNull();
    }
  });

  it('is rejected when it does not decode to dims × 4 bytes', () => {
    const embedding = embeddingOf([0.5, 0.25, 0.125]);
    expect(problem({ embedding, dims: 4 })).toEqual(['embedding: expected base64 of 4 float32 values (16 bytes)']);
    expect(problem({ embedding, dims: 2 })).toEqual(['embedding: expected base64 of 2 float32 values (8 bytes)']);
  });

  it('is rejected when it is not base64', () => {
    const embedding = embeddingOf([0.5, 0.25, 0.125]);
    for (const broken of [`${embedding.slice(0, -4)}ab_d`, embedding.replace(/^./, '-'), `${embedding.slice(0, -1)} `, `=${embedding.slice(1)}`, embedding.slice(1)]) {
      expect(problem({ embedding: broken, dims: 3 })).toEqual(['embedding: expected base64 of 3 float32 values (12 bytes)']);
    }
  });

  it('comes with its dims and never without', () => {
    expect(problem({ embedding: embeddingOf([1]) })).toEqual(['dims: embedding and dims are sent together']);
    expect(problem({ dims: 1 })).toEqual(['embedding: embedding and dims are sent together']);
  });
});

describe('the base scores an event carries', () => {
  const embedded = { embedding: embeddingOf([1]), dims: 1 };

  it('are accepted with the embedding, as model tag ids and scores in [0, 1]', () => {
    expect(problem({ ...embedded, baseScores: { 'coco:dog': 0.43, 'imagenet:golden-retriever': 0.01 } })).toBeNull();
  });

  it('are refused without the embedding, beyond MAX_BASE_SCORES, or with a key or score no model gives', () => {
    expect(problem({ baseScores: { 'coco:dog': 0.43 } })).toEqual(['baseScores: baseScores are sent with the embedding']);
    const many = Object.fromEntries(Array.from({ length: 129 }, (_, i) => [`coco:t${i}`, 0.5]));
    expect(problem({ ...embedded, baseScores: many })).toEqual(['baseScores: at most 128 scores']);
    expect(problem({ ...embedded, baseScores: { 'text:金毛': 0.5 } })).toHaveLength(1);
    expect(problem({ ...embedded, baseScores: { 'coco:dog\u0000': 0.5 } })).toHaveLength(1);
    expect(problem({ ...embedded, baseScores: { 'coco:dog': 1.5 } })).toHaveLength(1);
  });
});
