import { choiceSetting } from '../config-error.ts';
import { NewTagPolicySchema, type NewTagPolicy, type TagDecision } from '../contract/admin.ts';
import type { HeldBackReason } from '../contract/training.ts';
import { heldBackReason } from './taught-names.ts';
import { MIN_TEACHERS } from './teachers.ts';

/**
 * What an admin decided about taught tags, and the policy for the rest. A new tag's name reaches
 * every phone once training learns it, so under `approval` (the default) none is learned before an
 * admin approved it; under `automatic` a tag is learned once its name passes the checks
 * (./taught-names.ts) and enough trusted devices taught it (./teachers.ts). Either way an admin's
 * word settles it: refused is never learned (and leaves a head that had it), approved is learned
 * once it has the photos, whatever the automatic checks say.
 */
export interface TagReview {
  policy: NewTagPolicy;
  decisions: ReadonlyMap<string, TagDecision>;
  /** Tags an admin merged into another (renamed, or counted as a vocabulary tag): never a tag of their own. */
  merges: ReadonlyMap<string, string>;
}

export const DEFAULT_NEW_TAG_POLICY: NewTagPolicy = 'approval';

/** Nothing decided, learned automatically: the flywheel simulation, which measures what people can teach. */
export const AUTOMATIC_REVIEW: TagReview = { policy: 'automatic', decisions: new Map(), merges: new Map() };

/** WANWU_NEW_TAGS: `approval` (default) or `automatic`. */
export function newTagPolicyFromEnv(env: NodeJS.ProcessEnv): NewTagPolicy {
  return choiceSetting(env, 'WANWU_NEW_TAGS', NewTagPolicySchema.options, DEFAULT_NEW_TAG_POLICY);
}

/**
 * Why training would not learn a new tag that has the photos, or null when it would. `trusted`:
 * trusted devices that taught it, null when the labels are true ones (the simulation).
 */
export function heldBackBy(tagKey: string, trusted: number | null, review: TagReview): HeldBackReason | null {
  const decision = review.decisions.get(tagKey);
  if (decision === 'refused') return 'refused';
  if (decision === 'approved') return null;
  return heldBackReason(tagKey) ?? (trusted !== null && trusted < MIN_TEACHERS ? 'few-teachers' : null) ?? (review.policy === 'approval' ? 'awaiting-approval' : null);
}

/** A tag an admin took away: refused, or merged into another. A head that has it drops it. */
export function removedByAdmin(tagKey: string, review: TagReview): boolean {
  return review.decisions.get(tagKey) === 'refused' || review.merges.has(tagKey);
}
