import type { TagDecision } from '../contract/admin.ts';
import { MAX_NEED_TAGS, TagNeedSchema, UNKNOWN_NEED, type TagNeed } from '../contract/sync.ts';

/** A tag needs this many items with a confident consensus before missing evidence stops counting. */
const ENOUGH_CONFIDENT = 30;

/** What consensus holds about one tag. */
export interface TagEvidence {
  tagKey: string;
  /** Items (photo, tag) with any vote. */
  items: number;
  /** Of those, the items whose probability is outside [0.1, 0.9]. */
  confident: number;
  /** Of those, the items on which the devices that count answered both present and absent. */
  disputed: number;
}

/**
 * How much answers about a tag are needed, in [0, 1]. Each reason alone is enough (a noisy-or):
 * missing evidence (fewer than ENOUGH_CONFIDENT confident items), uncertainty (the share of its
 * items consensus is unsure about) and disagreement (the share of its items devices disputed).
 * Every tag nobody answered has need 1, so none of them is preferred: the photo decides.
 */
export function tagNeed({ items, confident, disputed }: TagEvidence): number {
  const missing = Math.max(0, 1 - confident / ENOUGH_CONFIDENT);
  const unsure = items === 0 ? 0 : 1 - confident / items;
  const disagreement = items === 0 ? 0 : disputed / items;
  return 1 - (1 - missing) * (1 - unsure) * (1 - disagreement);
}

/**
 * The need of every `askable` tag, as sync answers carry it: the need most tags share (at first 1,
 * every tag nobody answered yet; on a tie the higher) is sent once as `others`, and up to
 * MAX_NEED_TAGS tags whose need differs are listed, those differing most first. Needs are rounded
 * to hundredths: finer steps would not change a question, and make fewer tags share one. With
 * `askable` null any tag may be asked about, so most tags are ones nobody answered: `others` is 1.
 */
export function tagNeeds(tags: readonly TagEvidence[], askable: ReadonlySet<string> | null): TagNeed {
  const needs = tags
    .filter((tag) => askable?.has(tag.tagKey) ?? true)
    .map((tag) => ({ tag: tag.tagKey, need: Math.round(tagNeed(tag) * 100) / 100 }));
  const others = askable ? mostShared(needs.map(({ need }) => need)) : UNKNOWN_NEED.others;
  const listed = needs
    .filter(({ need }) => need !== others)
    .sort((a, b) => Math.abs(b.need - others) - Math.abs(a.need - others))
    .slice(0, MAX_NEED_TAGS)
    .sort((a, b) => b.need - a.need);
  return { tags: listed, others };
}

/** The need most tags share, the higher on a tie; with no tags, nothing is known. */
function mostShared(needs: readonly number[]): number {
  const counts = new Map<number, number>();
  for (const need of needs) counts.set(need, (counts.get(need) ?? 0) + 1);
  let most = UNKNOWN_NEED.others;
  for (const [need, count] of counts) {
    const best = counts.get(most) ?? 0;
    if (count > best || (count === best && need > most)) most = need;
  }
  return most;
}

/** The `wanted` list of sync answers, for apps from before need: the listed tags needed more than the others. */
export function wantedList(need: TagNeed): string[] {
  return need.tags.filter((tag) => tag.need > need.others).map((tag) => tag.tag);
}

/** The need a stored run kept; a run stored before need kept a list of tags, which says nothing about the rest. */
export function storedNeed(stored: unknown): TagNeed {
  const parsed = TagNeedSchema.safeParse(stored);
  return parsed.success ? parsed.data : UNKNOWN_NEED;
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
