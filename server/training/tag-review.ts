import { choiceSetting } from '../config-error.ts';
import { NewTagPolicySchema, type NewTagPolicy, type TagDecision } from '../contract/admin.ts';
import type { HeldBackReason } from '../contract/training.ts';
import { heldBackReason } from './taught-names.ts';
import { MIN_TEACHERS, MIN_WITNESSED } from './teachers.ts';

/**
 * What an admin decided about taught tags, and the policy for the rest. A new tag's name reaches
 * every phone once training learns it, so under `approval` (the default) none is learned before an
 * admin approved it; under `automatic` a tag is learned once its name passes the checks
 * (./taught-names.ts), enough trusted devices taught it and one that did not vouches for a held-out
 * photo (./teachers.ts). Either way an admin's
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

/** What the crowd did for a new tag (./teachers.ts): its trusted teachers, and its held-out positives a trusted non-teacher named. */
export interface TagBacking {
  trusted: number;
  witnessed: number;
}

/**
 * Why training would not learn a new tag that has the photos, or null when it would. `backing` is
 * null when the labels are true ones (the simulation's upper bound).
 */
export function heldBackBy(tagKey: string, backing: TagBacking | null, review: TagReview): HeldBackReason | null {
  const decision = review.decisions.get(tagKey);
  if (decision === 'refused') return 'refused';
  if (decision === 'approved') return null;
  const named = heldBackReason(tagKey);
  if (named) return named;
  if (backing && backing.trusted < MIN_TEACHERS) return 'few-teachers';
  if (backing && backing.witnessed < MIN_WITNESSED) return 'unwitnessed';
  return review.policy === 'approval' ? 'awaiting-approval' : null;
}

/** A tag an admin took away: refused, or merged into another. A head that has it drops it. */
export function removedByAdmin(tagKey: string, review: TagReview): boolean {
  return review.decisions.get(tagKey) === 'refused' || review.merges.has(tagKey);
}
