import { cocoLabels, imagenetLabels, type Label } from '../../../models/labels/labels.ts';
import { normaliseTagText } from '../../../models/pipeline/tag-text.ts';

/** The one class never hidden: it is in most photos, and hiding it would teach nothing about new tags. */
const NEVER_HIDDEN = 'person';

/**
 * One labelled class as the simulation sees it: the detector's tag for it, and the tag people
 * teach when the base model does not know it (`text:` + its Chinese name, as typed in the app).
 */
export interface SimClass {
  name: string;
  zh: string;
  baseId: string;
  taughtKey: string;
  hidden: boolean;
  /**
   * Base tags dropped from every result when the class is hidden: the detector's, and any
   * classifier tag with the same Chinese or English name (ImageNet's `zebra`, `cellular telephone` for 手机).
   */
  hides: ReadonlySet<string>;
}

export interface LabelSpace {
  classes: SimClass[];
  hidden: SimClass[];
  /** Every base tag id dropped from results. */
  dropped: ReadonlySet<string>;
}

/** The K most frequent classes among `images` (most photos first, then by name), "person" excepted. */
export function mostFrequentClasses(images: readonly { classes: ReadonlySet<string> }[], k: number): string[] {
  const counts = new Map<string, number>();
  for (const image of images) for (const name of image.classes) counts.set(name, (counts.get(name) ?? 0) + 1);
  return [...counts]
    .filter(([name]) => name !== NEVER_HIDDEN)
    .sort(([a, x], [b, y]) => y - x || (a < b ? -1 : a > b ? 1 : 0))
    .slice(0, k)
    .map(([name]) => name);
}

/** The dataset's classes (COCO names, as names.txt lists them) with the given ones hidden. */
export function labelSpace(names: readonly string[], hiddenNames: readonly string[]): LabelSpace {
  const byEn = new Map(cocoLabels.map((label) => [label.en, label]));
  const unknown = names.filter((name) => !byEn.has(name));
  if (unknown.length) throw new Error(`names.txt has classes that are not COCO-80 class names: ${unknown.join(', ')}`);
  const hiddenSet = new Set(hiddenNames);
  const classes = names.map((name): SimClass => {
    const label = byEn.get(name)!;
    const hidden = hiddenSet.has(name);
    return {
      name,
      zh: label.zh,
      baseId: label.id,
      taughtKey: `text:${normaliseTagText(label.zh)}`,
      hidden,
      hides: new Set(hidden ? [label.id, ...sameNamed(label, imagenetLabels)] : []),
    };
  });
  const hidden = classes.filter((c) => c.hidden);
  return { classes, hidden, dropped: new Set(hidden.flatMap((c) => [...c.hides])) };
}

function sameNamed(label: Label, vocabulary: readonly Label[]): string[] {
  const en = label.en.toLowerCase();
  return vocabulary.filter((other) => other.zh === label.zh || other.en.toLowerCase() === en).map((other) => other.id);
}
