import type { HeldBackReason } from '../contract/training.ts';
import { flooredBaseScore, logit } from '../../models/pipeline/corrections.ts';
import type { ConsensusItem, PhotoEmbedding } from '../storage/repository.ts';
import { splitOf } from './split.ts';
import { heldBackBy, removedByAdmin, type TagBacking, type TagReview } from './tag-review.ts';
import type { TagSupport } from './teachers.ts';
import type { Split, TrainingSet } from './types.ts';

/**
 * From stored consensus to a training set. Every consensus item is a soft label: its target is its
 * probability and its weight how sure consensus is, |2p − 1| (× HARD_WEIGHT for a hard example,
 * where the model was confidently wrong). Soft rather than cut at a confidence: a new free-text tag
 * that two or three people added, and nobody denied, often sits at p 0.6–0.8, and dropping those
 * photos lost most of what people taught (flywheel simulation). A cell with no item is a weak
 * negative (target 0, weight WEAK_NEGATIVE_WEIGHT) when the photo has a positive for another tag,
 * since whoever looked at it said what is there; otherwise it has weight 0 (no label).
 */

/** A label counts as confident (for the export's COCO file and the counts) from this probability either way. */
export const CONFIDENCE = 0.8;
export const HARD_WEIGHT = 2;
export const WEAK_NEGATIVE_WEIGHT = 0.3;
/** Two photos are enough to try: the gate decides whether what was learned holds on held-out photos (three lost taught mAP in the flywheel). */
export const MIN_POSITIVES = 2;
/** repository.confidentItems(EVERY_ITEM) returns every item: training and the export read them all. */
export const EVERY_ITEM = 0.5;

/** Consensus says more likely present than not. */
export const isPositive = (probability: number) => probability > 0.5;
/** How much a label of this probability weighs: 0 for a coin toss, 1 for certainty. */
export const labelWeight = (probability: number) => Math.abs(2 * probability - 1);
export const isConfident = (item: ConsensusItem) => item.probability >= CONFIDENCE || item.probability <= 1 - CONFIDENCE;

export interface BuiltTrainingSet {
  set: TrainingSet;
  /** Confident (photo, tag) labels in the set's columns (soft ones and weak negatives not counted). */
  labels: number;
  hardExamples: number;
  /** Photos with labels but no embedding of the set's width: left out. */
  withoutEmbedding: number;
}

export interface TrainingSetInput {
  items: readonly ConsensusItem[];
  embeddings: readonly PhotoEmbedding[];
  tags: readonly string[];
  dims: number;
  /** Tags the base models output: a column of one of these is a correction of its base score. */
  baseTags: ReadonlySet<string>;
}

/**
 * One row per photo with a label and an embedding, in photo id order. A correction column's offset
 * is the photo's base log-odds (models/pipeline/corrections.ts); a photo sent without base scores
 * (an older app) has no label there.
 */
export function buildTrainingSet({ items, embeddings, tags, dims, baseTags }: TrainingSetInput): BuiltTrainingSet {
  const column = new Map(tags.map((tag, index) => [tag, index]));
  const byPhoto = new Map<string, ConsensusItem[]>();
  for (const item of items) {
    if (labelWeight(item.probability) === 0) continue;
    const list = byPhoto.get(item.photoId);
    if (list) list.push(item);
    else byPhoto.set(item.photoId, [item]);
  }
  const embeddingOf = new Map(embeddings.map((e) => [e.photoId, e]));
  const photoIds = [...byPhoto.keys()].filter((id) => embeddingOf.get(id)?.embedding.length === dims).sort();
  const n = photoIds.length;
  const x = new Float32Array(n * dims);
  const target = new Float32Array(n * tags.length);
  const weight = new Float32Array(n * tags.length);
  const corrects = tags.map((tag) => baseTags.has(tag));
  const offset = new Float32Array(n * tags.length);
  let labels = 0;
  let hardExamples = 0;
  photoIds.forEach((photoId, row) => {
    const { embedding, baseScores } = embeddingOf.get(photoId)!;
    x.set(embedding, row * dims);
    const photoItems = byPhoto.get(photoId)!;
    if (photoItems.some((item) => isPositive(item.probability))) weight.fill(WEAK_NEGATIVE_WEIGHT, row * tags.length, (row + 1) * tags.length);
    for (const item of photoItems) {
      const t = column.get(item.tagKey);
      if (t === undefined) continue;
      target[row * tags.length + t] = item.probability;
      weight[row * tags.length + t] = labelWeight(item.probability) * (item.hard ? HARD_WEIGHT : 1);
      if (isConfident(item)) labels++;
      if (item.hard) hardExamples++;
    }
    tags.forEach((tag, t) => {
      if (!corrects[t]) return;
      if (baseScores) offset[row * tags.length + t] = logit(flooredBaseScore(baseScores[tag]));
      else weight[row * tags.length + t] = 0;
    });
  });
  return {
    set: { dims, tags: [...tags], corrects, photoIds, split: photoIds.map(splitOf), x, target, weight, offset },
    labels,
    hardExamples,
    withoutEmbedding: byPhoto.size - n,
  };
}

/**
 * The items training may learn from: a positive of a new tag (one the base models do not output)
 * only where a trusted device named it (./teachers.ts vouchedPhotos). Added names are never shown
 * to other judges before the head learns them, so nobody denies a junk name and it would stand as
 * a soft positive on one untrusted device's word; dropped, its cell is a weak negative like any tag
 * nobody named. With 20 % adversaries in the flywheel simulation this lifted taught-class mAP
 * from 0.163 to 0.202. `support` null: true labels, all kept.
 */
export function vouchedItems(items: readonly ConsensusItem[], baseTags: ReadonlySet<string>, support: ReadonlyMap<string, TagSupport> | null): ConsensusItem[] {
  if (!support) return [...items];
  return items.filter((item) => baseTags.has(item.tagKey) || !isPositive(item.probability) || support.get(item.tagKey)?.vouchedPhotos.has(item.photoId) === true);
}

/**
 * A base tag is corrected once consensus labels this many of its train photos each way: fewer, and
 * the gate's held-out photos could not tell a correction from noise.
 */
export const MIN_CORRECTION_LABELS = { positives: 5, negatives: 5 } as const;

export interface HeadTags {
  /** Sorted tag keys: the head's own tags and the base tags it corrects. */
  tags: string[];
  /** Of `tags`, the base tags it corrects. */
  corrected: string[];
  /** New tags that had the positives but were not learned, and why. */
  heldBack: { tag: string; reason: HeldBackReason }[];
  /** New tags with enough teachers: of their held-out positives, how many a trusted device other than their teachers named (./teachers.ts). */
  witnessed: { tag: string; photos: number; of: number }[];
}

/**
 * The tags the head learns: those the base models do not output with at least `minPositives`
 * positive train photos a trusted device vouched for (vouchedItems), unless held back
 * (./tag-review.ts: the name, fewer than MIN_TEACHERS trusted teachers, no held-out positive named
 * by a trusted device that did not teach it, the admin's decision or its absence; `support` per
 * tag from ./teachers.ts, null when the labels are true ones, not the crowd's), plus every tag the current head has (so none is dropped) except
 * those an admin refused or merged into another, plus the base tags it corrects: those with
 * MIN_CORRECTION_LABELS, and those the current head corrects.
 */
export function chooseHeadTags(
  items: readonly ConsensusItem[],
  baseTags: ReadonlySet<string>,
  currentHeadTags: readonly string[],
  support: ReadonlyMap<string, TagSupport> | null,
  review: TagReview,
  minPositives = MIN_POSITIVES,
): HeadTags {
  // Judged on every positive, learned from the vouched ones: a name only untrusted devices taught is held back, not unseen.
  const named = positivePhotos(items, baseTags);
  const vouched = positivePhotos(vouchedItems(items, baseTags, support), baseTags);
  const kept = currentHeadTags.filter((tag) => !removedByAdmin(tag, review));
  const current = new Set(kept);
  const heldBack: HeadTags['heldBack'] = [];
  const witnessed: HeadTags['witnessed'] = [];
  const reasonFor = (tag: string, heldOut: ReadonlySet<string>): HeldBackReason | null => {
    const backing = support && backingOf(support.get(tag), heldOut);
    const reason = heldBackBy(tag, backing, review);
    // Reported where the witness rule decided, or would have without the admin's approval pending.
    if (backing && (reason === null || reason === 'unwitnessed' || reason === 'awaiting-approval') && !review.decisions.has(tag)) {
      witnessed.push({ tag, photos: backing.witnessed, of: heldOut.size });
    }
    return reason;
  };
  const learnable = [...named].filter(([tag, { train }]) => {
    if (train.size < minPositives) return false;
    const photos = vouched.get(tag) ?? { train: new Set<string>(), heldOut: new Set<string>() };
    const reason = current.has(tag) ? null : reasonFor(tag, photos.heldOut);
    if (reason) heldBack.push({ tag, reason });
    return reason === null && photos.train.size >= minPositives;
  });
  const corrected = [...new Set([...correctableTags(items, baseTags), ...kept.filter((tag) => baseTags.has(tag))])].sort();
  return {
    tags: [...new Set([...learnable.map(([tag]) => tag), ...kept, ...corrected])].sort(),
    corrected,
    heldBack: heldBack.sort((a, b) => a.tag.localeCompare(b.tag)),
    witnessed: witnessed.sort((a, b) => a.tag.localeCompare(b.tag)),
  };
}

/**
 * Base tags with MIN_CORRECTION_LABELS train photos consensus says show them and as many judged
 * photos it says do not (a negative, or a photo with a positive for another tag: whoever looked
 * at it named what is there, as the weak negatives of buildTrainingSet count it).
 */
function correctableTags(items: readonly ConsensusItem[], baseTags: ReadonlySet<string>): string[] {
  const judged = new Set<string>();
  const positives = new Map<string, number>();
  const negatives = new Map<string, number>();
  for (const item of items) {
    if (splitOf(item.photoId) !== 'train' || labelWeight(item.probability) === 0) continue;
    if (isPositive(item.probability)) judged.add(item.photoId);
    if (!baseTags.has(item.tagKey)) continue;
    const counts = isPositive(item.probability) ? positives : negatives;
    counts.set(item.tagKey, (counts.get(item.tagKey) ?? 0) + 1);
  }
  return [...positives]
    .filter(([tag, count]) => count >= MIN_CORRECTION_LABELS.positives && Math.max(negatives.get(tag) ?? 0, judged.size - count) >= MIN_CORRECTION_LABELS.negatives)
    .map(([tag]) => tag);
}

/** Per new tag (outside `baseTags`), its positive photos in each split. */
function positivePhotos(items: readonly ConsensusItem[], baseTags: ReadonlySet<string>): Map<string, Record<Split, Set<string>>> {
  const positives = new Map<string, Record<Split, Set<string>>>();
  for (const item of items) {
    if (baseTags.has(item.tagKey) || !isPositive(item.probability)) continue;
    const photos = positives.get(item.tagKey) ?? { train: new Set<string>(), heldOut: new Set<string>() };
    photos[splitOf(item.photoId)].add(item.photoId);
    positives.set(item.tagKey, photos);
  }
  return positives;
}

/** A tag's trusted teachers, and how many of its held-out positives a trusted device that did not teach it named. */
export function backingOf(support: TagSupport | undefined, heldOutPositives: Iterable<string>): TagBacking {
  let witnessed = 0;
  for (const photoId of heldOutPositives) if (support?.witnessedPhotos.has(photoId)) witnessed++;
  return { trusted: support?.trusted ?? 0, witnessed };
}
