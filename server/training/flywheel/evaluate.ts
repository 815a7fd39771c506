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
  /** The same over the classes the base model knows, and over the hidden (taught) ones: null with none hidden. */
  basePrecision: number;
  baseRecall: number;
  baseMicroF1: number;
  taughtPrecision: number | null;
  taughtRecall: number | null;
  taughtMicroF1: number | null;
}

/**
 * Scores a version on held-out photos. A class's score in a photo is the best score of the tags
 * that stand for it: its detector tag (gone when it is hidden) or the taught `text:<zh>` tag.
 */
export async function evaluate(model: PhoneModel, photos: readonly BasePhoto[], classes: readonly SimClass[]): Promise<Scores> {
  const ranked = new Map<string, Ranked[]>(classes.map((c) => [c.name, []]));
  const counts = { base: noCounts(), taught: noCounts() };
  for (const photo of photos) {
    const tags = await model.tagsFor(photo);
    for (const c of classes) {
      const standing = tags.filter((tag) => tag.id === c.baseId || tag.id === c.taughtKey);
      const positive = photo.classes.has(c.name);
      ranked.get(c.name)!.push({ score: Math.max(0, ...standing.map((tag) => tag.score)), positive });
      const group = counts[c.hidden ? 'taught' : 'base'];
      if (standing.some((tag: Tag) => tag.shown)) group[positive ? 'truePositives' : 'falsePositives']++;
      else if (positive) group.falseNegatives++;
    }
  }
  const { map, ap } = meanAveragePrecision(ranked);
  const taught = classes.filter((c) => c.hidden && ap.has(c.name)).map((c) => ap.get(c.name)!);
  const all: Counts = {
    truePositives: counts.base.truePositives + counts.taught.truePositives,
    falsePositives: counts.base.falsePositives + counts.taught.falsePositives,
    falseNegatives: counts.base.falseNegatives + counts.taught.falseNegatives,
  };
  const shown = precisionRecallF1(all);
  const base = precisionRecallF1(counts.base);
  const hidden = classes.some((c) => c.hidden) ? precisionRecallF1(counts.taught) : null;
  return {
    mAP: map,
    taughtMAP: taught.length > 0 ? taught.reduce((sum, value) => sum + value, 0) / taught.length : null,
    precision: shown.precision,
    recall: shown.recall,
    microF1: shown.f1,
    basePrecision: base.precision,
    baseRecall: base.recall,
    baseMicroF1: base.f1,
    taughtPrecision: hidden?.precision ?? null,
    taughtRecall: hidden?.recall ?? null,
    taughtMicroF1: hidden?.f1 ?? null,
  };
}

const noCounts = (): Counts => ({ truePositives: 0, falsePositives: 0, falseNegatives: 0 });
