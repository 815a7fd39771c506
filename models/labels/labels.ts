import coco from './coco-80.json' with { type: 'json' };
import imagenet from './imagenet-1k.json' with { type: 'json' };

/** A class of a model's vocabulary: a stable tag id and its names for people. */
export interface Label {
  /** `<vocabulary>:<slug>`, e.g. `coco:sports-ball`; stable across releases. */
  readonly id: string;
  readonly en: string;
  readonly zh: string;
}

/** The 80 COCO classes in the detector's class-index order. */
export const cocoLabels: readonly Label[] = Object.freeze(coco);

/** The 1000 ImageNet-1k classes in the classifier's class-index order. */
export const imagenetLabels: readonly Label[] = Object.freeze(imagenet);
