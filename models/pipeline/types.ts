import type { ExecutionProvider } from './backend.ts';

/** An axis-aligned box in pixels of the original photo, after EXIF orientation. */
export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
  score: number;
}

/** Which model proposed a tag: `head` tags were learned from everyone's feedback, `personal` ones come from the device's memory of its user's corrections. */
export type TagSource = 'detector' | 'classifier' | 'head' | 'personal';

/** One entry of the merged tag list shown to people and printed by the CLI. */
export interface Tag {
  id: string;
  en: string;
  zh: string;
  score: number;
  source: TagSource;
  /** The score passes this tag's threshold from the manifest. */
  shown: boolean;
  boxes?: Box[];
  /**
   * Set when feedback from everyone corrected this base tag (models/pipeline/corrections.ts): what
   * the base model said, whether it would have shown the tag, and how many people taught the correction.
   */
  correction?: { baseScore: number; shownByBase: boolean; people: number };
}

/** Milliseconds spent per stage of one recognition. */
export interface StageTimings {
  decode: number;
  preprocess: number;
  detector: number;
  /** The models reading the detector's results: the classifier and the trained head, when the bundle has them. */
  classifier: number;
  postprocess: number;
  total: number;
}

export interface Recognition {
  /** Version of the model bundle that produced this result. */
  model: string;
  provider: ExecutionProvider;
  /** Size of the photo as people see it (EXIF orientation applied). */
  width: number;
  height: number;
  /** Sorted by score, highest first. */
  tags: Tag[];
  /**
   * Pooled detector backbone features, 960-d: the 480-d average over the image, then the 480-d maximum.
   * The head reads all of it; on-device memory compares the average (app/learning/personal-memory.ts).
   */
  embedding: Float32Array | null;
  /** The base models' scores before corrections (tag id → score ≥ BASE_SCORE_FLOOR): sent with the embedding for training. */
  baseScores: Record<string, number>;
  timings: StageTimings;
}
