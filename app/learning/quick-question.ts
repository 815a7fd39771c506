import { iou, type Corners } from '../../models/pipeline/detector.ts';
import type { Box, Tag } from '../../models/pipeline/types.ts';

/**
 * A hidden tag scoring under this share of its threshold is not worth a question: the closer calls
 * are near a coin toss, below them the answer is more and more often "no". The detector's hidden
 * tags on coco-1k (on boxes of their own) are in the photo 54–66 % of the time from 3/4 of the
 * threshold up (0.225–0.3), 46 % at 0.2–0.225, 27 % at 0.15–0.2 and 14 % at 0.1–0.15.
 */
export const NEGLIGIBLE_SHARE = 0.75;

/**
 * Two boxes overlapping this much (intersection over union) are one object. On coco-1k a hidden
 * tag whose box a likelier name already holds is in the photo half as often as one with a box of
 * its own (28 % against 59 % at scores 0.225–0.3, 16 % against 33 % at 0.15–0.225).
 */
const SAME_OBJECT_IOU = 0.5;

/**
 * The one tag worth a quick "Is this a …?" question on this photo, or null: the hidden tag whose
 * answer is worth most, the server's need for the tag (0–1, from the last sync) times how unsure
 * the model is about it here. Never asked about: tags shown with their own buttons, tags judged
 * (pass tags the personal memory suppressed and tags the person judged on this photo), personal
 * tags (already the person's own answer), tags without a threshold, and tags whose score here is
 * negligible or belongs to an object a likelier tag already names (a cow on a horse's box).
 * Scores are whatever the pipeline gives a tag; the threshold is what it was compared with.
 */
export function chooseQuestion(
  tags: readonly Tag[],
  thresholds: ReadonlyMap<string, number>,
  judged: ReadonlySet<string>,
  need: (tag: string) => number = () => 1,
): Tag | null {
  let best: { tag: Tag; value: number } | null = null;
  for (const tag of tags) {
    const threshold = thresholds.get(tag.id);
    if (threshold === undefined || tag.shown || tag.source === 'personal' || judged.has(tag.id)) continue;
    const score = unnamedScore(tag, tags);
    if (score < NEGLIGIBLE_SHARE * threshold) continue;
    const value = need(tag.id) * answerBits(score, threshold);
    if (value > 0 && (!best || value > best.value)) best = { tag, value };
  }
  return best?.tag ?? null;
}

/**
 * What an answer tells, in bits (binary entropy) of the chance the hidden tag is in the photo after
 * all: taken as even at its threshold and in proportion to the score below it (roughly what
 * coco-1k shows, see NEGLIGIBLE_SHARE), so the closer call is worth more.
 */
function answerBits(score: number, threshold: number): number {
  const present = Math.min(score / threshold, 1) / 2;
  return -(present * Math.log2(present) + (1 - present) * Math.log2(1 - present));
}

/**
 * The tag's score where no likelier tag names the same object: the best of its boxes that no box
 * of another tag with a higher score overlaps; the whole score for a tag without boxes (the
 * classifier's and the head's are about the whole photo).
 */
function unnamedScore(tag: Tag, tags: readonly Tag[]): number {
  if (!tag.boxes?.length) return tag.score;
  const named = (box: Box) => tags.some((other) => other !== tag && other.boxes?.some((rival) => rival.score > box.score && iou(corners(rival), corners(box)) >= SAME_OBJECT_IOU));
  return Math.max(0, ...tag.boxes.filter((box) => !named(box)).map((box) => box.score));
}

function corners({ x, y, w, h }: Box): Corners {
  return { x1: x, y1: y, x2: x + w, y2: y + h };
}
