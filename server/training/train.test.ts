import { describe, expect, it } from 'vitest';
import type { ConsensusItem, PhotoEmbedding } from '../storage/repository.ts';
import { syntheticSet } from './synthetic-set.ts';
import { AUTOMATIC_REVIEW } from './tag-review.ts';
import { train, type TrainingInput } from './train.ts';

/** Consensus as the job reads it: every photo's tags confidently present, the others confidently absent. */
function consensus(samples: number): { items: ConsensusItem[]; embeddings: PhotoEmbedding[] } {
  const set = syntheticSet({ samples, dims: 16, tags: 3, separation: 6 });
  const items = set.photoIds.flatMap((photoId, row) =>
    set.tags.map((tagKey, t) => ({ photoId, tagKey, probability: set.target[row * 3 + t] ? 0.95 : 0.05, votes: 3, hard: false, modelScore: null })),
  );
  const embeddings = set.photoIds.map((photoId, row) => ({ photoId, embedding: set.x.slice(row * 16, (row + 1) * 16) }));
  return { items, embeddings };
}

const input = (overrides: Partial<TrainingInput> = {}): TrainingInput => ({
  ...consensus(300),
  dims: 16,
  baseTags: new Set(['text:tag2']),
  current: null,
  excludedDevices: 1,
  teachers: new Map([['text:tag0', 3], ['text:tag1', 3], ['text:tag2', 3]]),
  review: AUTOMATIC_REVIEW,
  options: { epochs: 3 },
  ...overrides,
});

describe('train', () => {
  it('learns the tags the base models lack, calibrates them and publishes a first head', async () => {
    const stages = new Set<string>();
    const outcome = await train(input({ onProgress: (stage) => stages.add(stage) }));
    expect(outcome.data).toMatchObject({ photos: 300, excludedDevices: 1, tags: ['text:tag0', 'text:tag1'], newTags: ['text:tag0', 'text:tag1'] });
    expect(outcome.data.trainPhotos + outcome.data.heldOutPhotos).toBe(300);
    expect(outcome.decision.publish).toBe(true);
    expect(outcome.candidate!.mAP).toBeGreaterThan(0.9);
    expect(outcome.current!.mAP).toBe(0);
    expect(outcome.head!.tags).toEqual(['text:tag0', 'text:tag1']);
    for (const threshold of outcome.thresholds.values()) expect(threshold).toBeGreaterThanOrEqual(0.05);
    expect([...stages]).toEqual(['training', 'calibrating', 'evaluating']);
  });

  it('refuses a candidate no better than the head already published', async () => {
    const first = await train(input());
    const second = await train(input({ current: { head: first.head!, thresholds: first.thresholds } }));
    expect(second.decision.publish).toBe(false);
    expect(second.head).toBeNull();
    expect(second.decision.reasons[0]).toMatch(/^mAP \d\.\d{3} → \d\.\d{3} \([+−]\d\.\d{3} ≤ 0\.010\)$/);
  });

  it('takes a tag an admin refused off the next head, though the candidate is no better otherwise', async () => {
    const first = await train(input());
    const review = { ...AUTOMATIC_REVIEW, decisions: new Map([['text:tag1', 'refused' as const]]) };
    const second = await train(input({ current: { head: first.head!, thresholds: first.thresholds }, review }));
    expect(second.decision.publish).toBe(true);
    expect(second.head!.tags).toEqual(['text:tag0']);
    expect(second.data.heldBack).toEqual([{ tag: 'text:tag1', reason: 'refused' }]);
    expect(second.decision.reasons).toContain('removes text:tag1, as an admin decided: no gain needed');
  });

  it('skips when no tag outside the base models has enough positives', async () => {
    const outcome = await train(input({ baseTags: new Set(['text:tag0', 'text:tag1', 'text:tag2']) }));
    expect(outcome).toMatchObject({ head: null, candidate: null, decision: { publish: false } });
    expect(outcome.decision.reasons[0]).toMatch(/no tag to learn/);
  });
});
