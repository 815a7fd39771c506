import type { TaughtTag } from '../contract/admin.ts';
import type { ConsensusItem } from '../storage/repository.ts';
import { backingOf, isPositive } from './dataset.ts';
import { splitOf } from './split.ts';
import { heldBackBy, type TagReview } from './tag-review.ts';
import type { TagSupport } from './teachers.ts';

/** Positive photos listed per waiting tag, most certain first; the route shows the shared ones first. */
export const SAMPLE_CANDIDATES = 24;

export interface QueueInput {
  items: readonly ConsensusItem[];
  /** Tags the current model already outputs (base models and head): not new. */
  modelTags: ReadonlySet<string>;
  support: ReadonlyMap<string, TagSupport>;
  review: TagReview;
}

/** A waiting tag's evidence; `samples` are candidate photo ids, before anyone checked which were shared. */
export type QueuedTag = Omit<TaughtTag, 'samples'> & { samples: string[] };

/**
 * The new taught tags (`text:` keys the model does not output, not merged away) with at least one
 * positive photo, and what the next training run would do with each: the most taught first.
 */
export function taughtTagQueue({ items, modelTags, support, review }: QueueInput): QueuedTag[] {
  const positives = new Map<string, ConsensusItem[]>();
  for (const item of items) {
    if (!item.tagKey.startsWith('text:') || modelTags.has(item.tagKey) || review.merges.has(item.tagKey) || !isPositive(item.probability)) continue;
    const list = positives.get(item.tagKey) ?? [];
    list.push(item);
    positives.set(item.tagKey, list);
  }
  return [...positives]
    .map(([tagKey, photos]): QueuedTag => {
      const taught = support.get(tagKey);
      const backing = backingOf(taught, photos.filter((item) => splitOf(item.photoId) === 'heldOut').map((item) => item.photoId));
      return {
        tagKey,
        positivePhotos: photos.length,
        trustedTeachers: backing.trusted,
        teachers: taught?.all ?? 0,
        heldBack: heldBackBy(tagKey, backing, review),
        decision: review.decisions.get(tagKey) ?? null,
        samples: photos.sort((a, b) => b.probability - a.probability).slice(0, SAMPLE_CANDIDATES).map((item) => item.photoId),
      };
    })
    .sort((a, b) => b.trustedTeachers - a.trustedTeachers || b.positivePhotos - a.positivePhotos || a.tagKey.localeCompare(b.tagKey));
}
