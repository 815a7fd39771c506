import type { Tag } from '../../models/pipeline/types.ts';

/**
 * How far from its threshold a score still counts as "unsure". The bundled thresholds are 0.25–0.3, so
 * this asks about scores of about 0.15–0.4: tags the model half-sees (hidden just below the line) or
 * barely shows, where one answer settles the most. Further out the model is sure enough on its own.
 */
export const QUESTION_MARGIN = 0.1;

/**
 * The one tag worth a quick "Is this a …?" question, or null: a model's tag scored within
 * QUESTION_MARGIN of its threshold that the person has not judged yet. Tags the server wants evidence
 * for come first, then the one closest to its threshold. Personal tags are never asked about (they
 * already are the person's own answer); pass tags suppressed by the personal memory in `judged`.
 */
export function chooseQuestion(
  tags: readonly Tag[],
  thresholds: ReadonlyMap<string, number>,
  judged: ReadonlySet<string>,
  wanted: ReadonlySet<string> = new Set(),
): Tag | null {
  let best: { tag: Tag; wanted: number; distance: number } | null = null;
  for (const tag of tags) {
    const threshold = thresholds.get(tag.id);
    if (threshold === undefined || tag.source === 'personal' || judged.has(tag.id)) continue;
    const distance = Math.abs(tag.score - threshold);
    if (distance > QUESTION_MARGIN) continue;
    const rank = Number(wanted.has(tag.id));
    if (!best || rank > best.wanted || (rank === best.wanted && distance < best.distance)) best = { tag, wanted: rank, distance };
  }
  return best?.tag ?? null;
}
