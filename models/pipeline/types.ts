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
}

/** Milliseconds spent per stage of one recognition. */
export interface StageTimings {
  decode: number;
  preprocess: number;
  detector: number;
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
  /** Pooled detector backbone features (480-d), for on-device memory and training. */
  embedding: Float32Array | null;
  timings: StageTimings;
}
