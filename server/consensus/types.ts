import type { ConsensusAlert, QuarantineReason } from '../contract/admin.ts';
import type { TagNeed } from '../contract/sync.ts';

/**
 * The consensus engine's inputs and outputs. Pure data: the engine (./aggregate.ts) is
 * pure TypeScript over these, the job (./job.ts) reads votes from the repository and stores results.
 */

/** One device's answer about one (photo, tag): 1 = present, 0 = absent. */
export interface Vote {
  deviceId: string;
  photoId: string;
  /** tagKey() of the tag: a vocabulary id, or `text:` + normalised text (free-text tags grouped by it). */
  tagKey: string;
  label: 0 | 1;
  /** ms since the epoch, when the device says it answered (for the fast-bot rule). */
  at: number;
}

/** The model's own score for a (photo, tag): one weak voter. */
export interface ModelScore {
  photoId: string;
  tagKey: string;
  score: number;
}

export type { ConsensusAlert, QuarantineReason };

export interface DeviceEstimate {
  deviceId: string;
  /** P(says present | present) and P(says absent | absent) over all its tags, posterior means. */
  sensitivity: number;
  specificity: number;
  /** sensitivity + specificity − 1: 1 perfect, 0 chance, < 0 opposite. */
  reliability: number;
  /** Posterior standard deviation of `reliability`. */
  uncertainty: number;
  votes: number;
  quarantine: { reason: QuarantineReason; evidence: string } | null;
}

export interface ItemEstimate {
  photoId: string;
  tagKey: string;
  /** P(tag present in photo). */
  probability: number;
  votes: number;
  /** The model was confidently wrong by consensus: weighted up for training. */
  hard: boolean;
}

export interface ConsensusResult {
  items: ItemEstimate[];
  devices: DeviceEstimate[];
  /** Rules held back instead of quarantining a large share of devices at once. */
  alerts: ConsensusAlert[];
  /** How much answers about each tag apps may be asked about are needed (./wanted-tags.ts). */
  need: TagNeed;
  iterations: number;
  ms: number;
}
