import type { TagDecision } from '../contract/admin.ts';

/** A tag needs this many items with a confident consensus before it is no longer wanted for that alone. */
const ENOUGH_CONFIDENT = 30;
/** A tag whose items are unsure this often has disagreement worth resolving. */
const UNSURE_SHARE = 0.2;
/** Every sync answer carries the list: the most wanted are enough for the quick question to prefer. */
export const WANTED_TAGS_LIMIT = 100;

export interface TagLabels {
  tagKey: string;
  /** Items with any vote, and of those the items whose probability is outside [0.1, 0.9]. */
  items: number;
  confident: number;
}

/**
 * Tags that apps should ask about first, of the `askable` ones (null: all): few confident labels,
 * or many items left unsure. Fewest confident labels first (a tag nobody answered yet leads), then
 * the most unsure.
 */
export function wantedTags(tags: readonly TagLabels[], askable: ReadonlySet<string> | null): string[] {
  const unsure = (tag: TagLabels) => (tag.items === 0 ? 1 : 1 - tag.confident / tag.items);
  return tags
    .filter((tag) => (askable?.has(tag.tagKey) ?? true) && (tag.confident < ENOUGH_CONFIDENT || unsure(tag) >= UNSURE_SHARE))
    .sort((a, b) => a.confident - b.confident || unsure(b) - unsure(a) || (a.tagKey < b.tagKey ? -1 : 1))
    .slice(0, WANTED_TAGS_LIMIT)
    .map((tag) => tag.tagKey);
}

/**
 * The tags apps may be asked about: the current model's vocabulary and the taught tags an admin
 * approved, never one an admin refused. The quick question shows a wanted tag's name on phones,
 * so a name no model has learned and no admin approved (junk ids, a held-back name, a tag waiting
 * for approval) is never wanted, however many devices vote on it.
 */
export function askableTags(vocabulary: readonly string[], decisions: ReadonlyMap<string, TagDecision>): string[] {
  const approved = [...decisions].flatMap(([tag, decision]) => (decision === 'approved' ? [tag] : []));
  return [...new Set([...vocabulary, ...approved])].filter((tag) => decisions.get(tag) !== 'refused').sort();
}
