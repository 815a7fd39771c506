import type { GateDecision } from '../contract/training.ts';

/**
 * The training core's data: pure, typed arrays, no database. The job (./job.ts) fills a
 * TrainingSet from the repository; the flywheel simulation fills one the same way through the API.
 */

/** Which part of the data a photo belongs to: fixed by its id, so held-out photos stay held out across runs. */
export type Split = 'train' | 'heldOut';

/**
 * Samples (one per photo) × tags. Row-major: x is n × dims, target and weight are n × tags.length.
 * target is the consensus probability the tag is present; weight 0 means "no label" for that cell.
 */
export interface TrainingSet {
  dims: number;
  /** Tag keys (server/contract/feedback-event.ts tagKey), the columns of target and weight. */
  tags: string[];
  /** Per column: a correction of a base tag (its offset is the base log-odds) rather than a tag of the head's own. */
  corrects: boolean[];
  photoIds: string[];
  split: Split[];
  x: Float32Array;
  target: Float32Array;
  weight: Float32Array;
  /** n × tags.length log-odds added before the sigmoid: the base model's for a correction column, 0 elsewhere. */
  offset: Float32Array;
}

/**
 * What training makes: models/head's TagHead. Its tag ids are tag keys, which are also vocabulary
 * ids: a taught tag keeps the key it was taught under (`text:` + its normalised text).
 */
export type { TagHead } from '../../models/head/head.ts';

export interface TrainOptions {
  /** L2 penalty on the weights. */
  l2?: number;
  /** The same for a correction of a base tag's score. */
  correctionL2?: number;
  epochs?: number;
  seed?: number;
  onProgress?: (done: number, total: number) => void;
}

export interface GateOptions {
  /** The candidate's mAP must exceed the current model's by more than this. */
  minGain: number;
  /** No established tag's AP may fall by more than this. */
  maxTagDrop: number;
}

export type { GateDecision };
