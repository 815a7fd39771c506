import type { ScoredTag } from './tags.ts';

/**
 * Corrections of the base models' own tags, learned from everyone's feedback (server/training): a
 * head column whose id is a base model's tag corrects that tag instead of adding one. The head's
 * log-odds for it is how far the crowd's labels move the base model's log-odds on photos like this
 * one, so the corrected score is sigmoid(logit(base score) + head log-odds), its boxes likewise. A
 * tag the base models scored below BASE_SCORE_FLOOR (or not at all) counts as scored that: training
 * learned against the same floor (server/training/dataset.ts), so phone and server agree.
 */

/** Lowest base score phones list and send with the embedding; a lower one (or none) counts as this. */
export const BASE_SCORE_FLOOR = 0.01;

/** The base score as corrections read it. */
export const flooredBaseScore = (score: number | undefined) => Math.max(score ?? 0, BASE_SCORE_FLOOR);

export function logit(probability: number): number {
  const p = Math.min(1 - 1e-7, Math.max(1e-7, probability));
  return Math.log(p / (1 - p));
}

export const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/** A base score moved by a correction's log-odds. */
export const correctedScore = (baseScore: number | undefined, shift: number) => sigmoid(logit(flooredBaseScore(baseScore)) + shift);

/**
 * The base models' tags with the head's corrections applied (`baseScore` keeps what the base model
 * said), plus a tag for each correction the base models did not list, when it now reaches `minScore`.
 * `shifts`: per corrected tag id, the head's log-odds on this photo.
 */
export function applyCorrections(base: readonly ScoredTag[], shifts: ReadonlyMap<string, number>, minScore: number): ScoredTag[] {
  const listed = new Set(base.map((tag) => tag.id));
  const corrected = base.map((tag): ScoredTag => {
    const shift = shifts.get(tag.id);
    if (shift === undefined) return tag;
    const boxes = tag.boxes.map((box) => ({ ...box, score: correctedScore(box.score, shift) }));
    return { ...tag, score: correctedScore(tag.score, shift), baseScore: tag.score, boxes };
  });
  for (const [id, shift] of shifts) {
    if (listed.has(id)) continue;
    const score = correctedScore(undefined, shift);
    if (score >= minScore) corrected.push({ id, score, source: 'head', baseScore: 0, boxes: [] });
  }
  return corrected;
}

/** The base models' tags' scores, before any correction, as an event carries them (Recognition.baseScores). */
export function baseScoresOf(base: readonly ScoredTag[]): Record<string, number> {
  const scores: Record<string, number> = {};
  for (const tag of base) if (tag.score >= BASE_SCORE_FLOOR) scores[tag.id] = Math.max(scores[tag.id] ?? 0, Math.round(tag.score * 1000) / 1000);
  return scores;
}
