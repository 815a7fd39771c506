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
 * Tags that apps should ask about first: few confident labels, or many items left unsure. Fewest
 * confident labels first (a tag nobody answered yet leads), then the most unsure.
 */
export function wantedTags(tags: readonly TagLabels[]): string[] {
  const unsure = (tag: TagLabels) => (tag.items === 0 ? 1 : 1 - tag.confident / tag.items);
  return tags
    .filter((tag) => tag.confident < ENOUGH_CONFIDENT || unsure(tag) >= UNSURE_SHARE)
    .sort((a, b) => a.confident - b.confident || unsure(b) - unsure(a) || (a.tagKey < b.tagKey ? -1 : 1))
    .slice(0, WANTED_TAGS_LIMIT)
    .map((tag) => tag.tagKey);
}
