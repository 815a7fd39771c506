import type { AdminTagQuality } from '../contract/admin.ts';
import type { VocabularyTag } from '../../models/pipeline/manifest.ts';
import type { ConsensusItem } from '../storage/repository.ts';

/** How sure consensus must be, either way, before an item counts for precision and recall. */
export const CONFIDENT = 0.8;

/**
 * The current model's precision and recall per vocabulary tag, judged by confident consensus.
 * "Shown" is what the app showed: the score an event carried against the tag's threshold in the
 * current bundle; an item with no score (a tag people added) was not shown. Free-text tags are
 * left out: no model shows them.
 */
export function tagQuality(items: readonly ConsensusItem[], vocabulary: readonly VocabularyTag[]): AdminTagQuality[] {
  const byId = new Map(vocabulary.map((tag) => [tag.id, { tag, support: 0, shown: 0, present: 0, hits: 0 }]));
  for (const item of items) {
    const counts = byId.get(item.tagKey);
    if (!counts || (item.probability < CONFIDENT && item.probability > 1 - CONFIDENT)) continue;
    const present = item.probability >= 0.5;
    const shown = item.modelScore !== null && item.modelScore >= counts.tag.threshold;
    counts.support++;
    if (shown) counts.shown++;
    if (present) counts.present++;
    if (shown && present) counts.hits++;
  }
  return [...byId.values()]
    .filter((counts) => counts.support > 0)
    .sort((a, b) => b.support - a.support || a.tag.id.localeCompare(b.tag.id))
    .map(({ tag, support, shown, present, hits }) => ({
      tagKey: tag.id,
      en: tag.en,
      zh: tag.zh,
      precision: shown > 0 ? hits / shown : null,
      recall: present > 0 ? hits / present : null,
      support,
    }));
}
