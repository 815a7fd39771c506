import type { Tag } from '../../../models/pipeline/types.ts';
import { meanAveragePrecision, precisionRecallF1, type Counts, type Ranked } from '../metrics.ts';
import type { BasePhoto } from './base-recognition.ts';
import type { SimClass } from './label-space.ts';
import type { PhoneModel } from './phone-model.ts';

/** A version's quality on the held-out photos, as people would see it. */
export interface Scores {
  /** mAP over every labelled class with a held-out positive. */
  mAP: number;
  /** mAP over the hidden classes with a held-out positive (null: none has one). */
  taughtMAP: number | null;
  /** Of the shown tags (each tag's threshold from the manifest), over every labelled class: the share right, the share of present classes shown, and their micro-F1. */
  precision: number;
  recall: number;
  microF1: number;
}

/**
 * Scores a version on held-out photos. A class's score in a photo is the best score of the tags
 * that stand for it: its detector tag (gone when it is hidden) or the taught `text:<zh>` tag.
 */
export async function evaluate(model: PhoneModel, photos: readonly BasePhoto[], classes: readonly SimClass[]): Promise<Scores> {
  const ranked = new Map<string, Ranked[]>(classes.map((c) => [c.name, []]));
  const counts: Counts = { truePositives: 0, falsePositives: 0, falseNegatives: 0 };
  for (const photo of photos) {
    const tags = await model.tagsFor(photo);
    for (const c of classes) {
      const standing = tags.filter((tag) => tag.id === c.baseId || tag.id === c.taughtKey);
      const positive = photo.classes.has(c.name);
      ranked.get(c.name)!.push({ score: Math.max(0, ...standing.map((tag) => tag.score)), positive });
      if (standing.some((tag: Tag) => tag.shown)) counts[positive ? 'truePositives' : 'falsePositives']++;
      else if (positive) counts.falseNegatives++;
    }
  }
  const { map, ap } = meanAveragePrecision(ranked);
  const taught = classes.filter((c) => c.hidden && ap.has(c.name)).map((c) => ap.get(c.name)!);
  const { precision, recall, f1 } = precisionRecallF1(counts);
  return {
    mAP: map,
    taughtMAP: taught.length > 0 ? taught.reduce((sum, value) => sum + value, 0) / taught.length : null,
    precision,
    recall,
    microF1: f1,
  };
}
