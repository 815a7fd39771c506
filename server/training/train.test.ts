import { describe, expect, it } from 'vitest';
import type { ConsensusItem, PhotoEmbedding } from '../storage/repository.ts';
import { splitOf } from './split.ts';
import { syntheticSet } from './synthetic-set.ts';
import { AUTOMATIC_REVIEW } from './tag-review.ts';
import { train, type TrainingInput } from './train.ts';

/**
 * Consensus as the job reads it: every photo's tags confidently present, the others confidently
 * absent. `baseScores`: what the base models said about each photo, or null (sent by no app).
 */
function consensus(samples: number, baseScores: Record<string, number> | null = null): { items: ConsensusItem[]; embeddings: PhotoEmbedding[] } {
  const set = syntheticSet({ samples, dims: 16, tags: 3, separation: 6 });
  const items = set.photoIds.flatMap((photoId, row) =>
    set.tags.map((tagKey, t) => ({ photoId, tagKey, probability: set.target[row * 3 + t] ? 0.95 : 0.05, votes: 3, hard: false, modelScore: null })),
  );
  const embeddings = set.photoIds.map((photoId, row) => ({ photoId, embedding: set.x.slice(row * 16, (row + 1) * 16), baseScores }));
  return { items, embeddings };
}

const input = (overrides: Partial<TrainingInput> = {}): TrainingInput => {
  const data = consensus(300);
  // Three trusted teachers each, and every held-out photo named by someone else too.
  const everyPhoto = new Set(data.embeddings.map((e) => e.photoId));
  const backing = { trusted: 3, all: 3, witnessedPhotos: everyPhoto, vouchedPhotos: everyPhoto };
  return {
    ...data,
    dims: 16,
    baseTags: new Set(['text:tag2']),
    baseThresholds: new Map([['text:tag2', 0.3]]),
    current: null,
    excludedDevices: 1,
    support: new Map(['text:tag0', 'text:tag1', 'text:tag2'].map((tag) => [tag, backing])),
    review: AUTOMATIC_REVIEW,
    options: { epochs: 3 },
    ...overrides,
  };
};

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

  it('says in its reasons how many held-out positives devices other than the teachers back, and learns no tag that none back', async () => {
    const backed = await train(input());
    expect(backed.decision.reasons).toContainEqual(expect.stringMatching(/^text:tag0: (\d+) of \1 held-out positives named by a trusted device that did not teach it \(≥ 1\)$/));
    const support = new Map(backed.data.tags.map((tag) => [tag, input().support!.get(tag)!]));
    support.set('text:tag1', { ...support.get('text:tag1')!, witnessedPhotos: new Set<string>() });
    const alone = await train(input({ support }));
    expect(alone.data.heldBack).toEqual([{ tag: 'text:tag1', reason: 'unwitnessed' }]);
    expect(alone.head!.tags).toEqual(['text:tag0']);
    expect(alone.decision.reasons).toContainEqual(expect.stringMatching(/^text:tag1: 0 of [1-9]\d* held-out positives? named by a trusted device that did not teach it \(< 1\), held back$/));
  });

  it('takes no positive of a new tag that only untrusted devices named: an attacker\'s adds alone teach nothing', async () => {
    const support = new Map(input().support!);
    support.set('text:tag1', { ...support.get('text:tag1')!, vouchedPhotos: new Set<string>() });
    const outcome = await train(input({ support }));
    expect(outcome.data.tags).toEqual(['text:tag0']);
    expect(outcome.head!.tags).toEqual(['text:tag0']);
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

  it('corrects a base tag from consensus on photos sent with its base score, and judges the correction on held-out photos', async () => {
    // The base model gives every photo 0.3 for tag2: it cannot tell; consensus can.
    const outcome = await train(input(consensus(300, { 'text:tag2': 0.3 })));
    expect(outcome.data).toMatchObject({ corrected: ['text:tag2'], newTags: ['text:tag0', 'text:tag1'] });
    expect(outcome.head!.tags).toEqual(['text:tag0', 'text:tag1', 'text:tag2']);
    expect(outcome.candidate!.perTagAP['text:tag2']).toBeGreaterThan(0.9);
    expect(outcome.current!.perTagAP['text:tag2']).toBeLessThan(0.6);
    expect(outcome.candidate!.perTagShown!['text:tag2'].f1).toBeGreaterThan(outcome.current!.perTagShown!['text:tag2'].f1);
    expect(outcome.decision.reasons).toContainEqual(expect.stringMatching(/^no corrected base tag \(1 with enough held-out positives\)/));
  });

  it('leaves out a correction that made its tag worse on held-out photos, keeping the current one, and says so', async () => {
    const scored = consensus(300, { 'text:tag2': 0.3 });
    const first = await train(input(scored));
    // Train photos' labels for tag2 turned to noise: what is learned from them is worse than what phones have.
    const noisy = scored.items.map((item, i) => (item.tagKey === 'text:tag2' && splitOf(item.photoId) === 'train' ? { ...item, probability: i % 3 === 0 ? 0.95 : 0.05 } : item));
    const second = await train(input({ ...scored, items: noisy, current: { head: first.head!, thresholds: first.thresholds } }));
    expect(second.decision.reasons).toContainEqual(expect.stringMatching(/^text:tag2: correction left out, as the current model has it \(AP /));
    expect(second.candidate!.perTagAP['text:tag2']).toBeCloseTo(second.current!.perTagAP['text:tag2']!, 6);
  });

  it('skips when no tag outside the base models has enough positives and no base tag can be corrected', async () => {
    const outcome = await train(input({ baseTags: new Set(['text:tag0', 'text:tag1', 'text:tag2']) }));
    expect(outcome).toMatchObject({ head: null, candidate: null, decision: { publish: false } });
    expect(outcome.decision.reasons[0]).toMatch(/no tag to learn/);
  });
});
