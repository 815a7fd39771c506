import { describe, expect, it } from 'vitest';
import { ConfigError } from '../config-error.ts';
import type { ConsensusItem } from '../storage/repository.ts';
import { AUTOMATIC_REVIEW, heldBackBy, newTagPolicyFromEnv } from './tag-review.ts';
import { taughtTagQueue } from './taught-tag-queue.ts';

const item = (photoId: string, tagKey: string, probability: number): ConsensusItem => ({ photoId, tagKey, probability, votes: 3, hard: false, modelScore: null });

describe('the new-tag policy', () => {
  it('waits for an admin by default, and refuses a setting it does not know', () => {
    expect(newTagPolicyFromEnv({})).toBe('approval');
    expect(newTagPolicyFromEnv({ WANWU_NEW_TAGS: ' Automatic ' })).toBe('automatic');
    expect(() => newTagPolicyFromEnv({ WANWU_NEW_TAGS: 'auto' })).toThrow(new ConfigError('WANWU_NEW_TAGS must be automatic or approval, not "auto"'));
  });

  it("lets an admin's decision settle a tag either way", () => {
    const review = { policy: 'approval' as const, decisions: new Map([['text:www.shop.example', 'approved' as const], ['text:kite', 'refused' as const]]), merges: new Map() };
    const backed = (trusted: number, witnessed = 1) => ({ trusted, witnessed });
    expect(heldBackBy('text:www.shop.example', backed(0, 0), review)).toBeNull();
    expect(heldBackBy('text:kite', backed(9), review)).toBe('refused');
    expect(heldBackBy('text:kite', backed(9), AUTOMATIC_REVIEW)).toBeNull();
    expect(heldBackBy('text:kite', backed(2), AUTOMATIC_REVIEW)).toBe('few-teachers');
    expect(heldBackBy('text:kite', backed(9, 0), AUTOMATIC_REVIEW)).toBe('unwitnessed');
    expect(heldBackBy('text:风筝', backed(9), review)).toBe('awaiting-approval');
  });
});

describe('the review queue', () => {
  it('lists new taught tags with their evidence, most taught first, never tags the model has or merged ones', () => {
    const items = [
      item('p1', 'text:风筝', 0.95), item('p2', 'text:风筝', 0.7), item('p3', 'text:风筝', 0.2),
      item('p1', 'text:visit shop.example', 0.9),
      item('p1', 'text:learned', 0.9), item('p1', 'coco:dog', 0.9), item('p2', 'text:old name', 0.9),
    ];
    const queue = taughtTagQueue({
      items,
      modelTags: new Set(['coco:dog', 'text:learned']),
      support: new Map([
        ['text:风筝', { trusted: 3, all: 5, witnessedPhotos: new Set(['p2']), vouchedPhotos: new Set<string>() }],
        ['text:visit shop.example', { trusted: 0, all: 12, witnessedPhotos: new Set<string>(), vouchedPhotos: new Set<string>() }],
      ]),
      review: { policy: 'approval', decisions: new Map([['text:风筝', 'approved']]), merges: new Map([['text:old name', 'text:风筝']]) },
    });
    expect(queue).toEqual([
      { tagKey: 'text:风筝', positivePhotos: 2, trustedTeachers: 3, teachers: 5, heldBack: null, decision: 'approved', samples: ['p1', 'p2'] },
      { tagKey: 'text:visit shop.example', positivePhotos: 1, trustedTeachers: 0, teachers: 12, heldBack: 'web-address', decision: null, samples: ['p1'] },
    ]);
  });
});
