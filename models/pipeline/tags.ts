import type { ClassScore } from './classifier.ts';
import type { decodeDetections } from './detector.ts';
import { RecognitionError } from './errors.ts';
import type { InputFrame } from './image.ts';
import type { Manifest, VocabularyTag } from './manifest.ts';
import type { Box, Tag, TagSource } from './types.ts';

type Detection = ReturnType<typeof decodeDetections>[number];

/** The bundle's tags by id. */
export type Vocabulary = ReadonlyMap<string, VocabularyTag>;

/** One model's opinion about one tag, before names and thresholds are applied. */
export interface ScoredTag {
  id: string;
  score: number;
  source: TagSource;
  boxes: Box[];
  /** A base tag a correction moved (./corrections.ts): what the base model said. */
  baseScore?: number;
}

/** The vocabulary of a manifest; refuses a bundle whose models output a tag it does not name. */
export function vocabularyOf(manifest: Manifest): Vocabulary {
  const vocabulary = new Map(manifest.tags.map((tag) => [tag.id, tag]));
  for (const model of manifest.models) {
    const missing = model.classes.find((id) => !vocabulary.has(id));
    if (missing) {
      const why = `${model.file} outputs tag "${missing}" that its vocabulary lacks`;
      throw new RecognitionError('model-unavailable', `Model bundle ${manifest.version} is inconsistent: ${why}`);
    }
  }
  return vocabulary;
}

/** A detection in model-input pixels as a box in upright photo pixels, clamped to the photo. */
export function mapBox(det: Detection, frame: InputFrame, width: number, height: number): Box {
  const x1 = clamp((det.x1 + frame.offsetX) * frame.scaleX, width);
  const y1 = clamp((det.y1 + frame.offsetY) * frame.scaleY, height);
  const x2 = clamp((det.x2 + frame.offsetX) * frame.scaleX, width);
  const y2 = clamp((det.y2 + frame.offsetY) * frame.scaleY, height);
  return { x: x1, y: y1, w: x2 - x1, h: y2 - y1, score: det.score };
}

function clamp(value: number, max: number): number {
  return Math.min(Math.max(value, 0), max);
}

/** One tag per detected class, scored by its best box; `classes[i]` is the tag id of class index i. */
export function tagsFromDetections(
  detections: readonly Detection[],
  classes: readonly string[],
  toBox: (det: Detection) => Box,
): ScoredTag[] {
  const byId = new Map<string, ScoredTag>();
  for (const det of detections) {
    const id = classes[det.classIndex];
    const tag = byId.get(id) ?? { id, score: 0, source: 'detector' as const, boxes: [] };
    tag.score = Math.max(tag.score, det.score);
    tag.boxes.push(toBox(det));
    byId.set(id, tag);
  }
  for (const tag of byId.values()) tag.boxes.sort((a, b) => b.score - a.score);
  return [...byId.values()];
}

export function tagsFromClassifier(top: readonly ClassScore[], classes: readonly string[]): ScoredTag[] {
  return top.map(({ classIndex, score }) => ({ id: classes[classIndex], score, source: 'classifier', boxes: [] }));
}

/**
 * One list from every model, best first (ties by id). A tag is `shown` when it reaches its
 * threshold. Without `minScore` only shown tags are listed; with it every tag scoring at least
 * `minScore`, shown or not, and every tag a correction hid. Should two models name the same tag,
 * the higher score (the first on a tie) speaks for it and the boxes of both are kept. A shown tag carries the boxes that reach its threshold,
 * a listed but hidden one those that reach `minScore`.
 */
export function mergeTags(scored: readonly ScoredTag[], vocabulary: Vocabulary, minScore?: number): Tag[] {
  const best = new Map<string, ScoredTag>();
  for (const tag of scored) {
    const seen = best.get(tag.id);
    if (!seen) best.set(tag.id, tag);
    else {
      const [winner, other] = tag.score > seen.score ? [tag, seen] : [seen, tag];
      best.set(tag.id, { ...winner, boxes: [...winner.boxes, ...other.boxes] });
    }
  }
  const tags: Tag[] = [];
  for (const { id, score, source, boxes, baseScore } of best.values()) {
    const { en, zh, threshold, correction: corrected } = vocabulary.get(id)!;
    const shown = score >= threshold;
    const correction = baseScore === undefined ? undefined : { baseScore, shownByBase: baseScore >= (corrected?.baseThreshold ?? threshold), people: corrected?.people ?? 0 };
    // A tag a correction hid stays listed (not shown), so the person can see what feedback changed.
    if (minScore === undefined ? !shown : score < minScore && !correction?.shownByBase) continue;
    const cutoff = shown ? threshold : minScore!;
    const kept = boxes.filter((box) => box.score >= cutoff);
    tags.push({ id, en, zh, score, source, shown, ...(kept.length > 0 && { boxes: kept }), ...(correction && { correction }) });
  }
  return tags.sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
