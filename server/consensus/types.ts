import type { QuarantineReason } from '../contract/admin.ts';

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

export type { QuarantineReason };

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

/**
 * A quarantine rule held back because it would set aside too large a share of the devices at once
 * (see CASCADE_SHARE in ./quarantine.ts): its devices stay active until an admin decides.
 */
export interface ConsensusAlert {
  rule: QuarantineReason;
  /** The tag, for the rule judged on one tag's answers; null for a rule on whole devices. */
  tagKey: string | null;
  /** The devices it would have quarantined. */
  devices: string[];
  /** Their share of the active devices (of those that answered the tag, for a rule on one tag). */
  share: number;
  /** In words: how many, why it is held back, and the first device's evidence. */
  evidence: string;
}

export interface ConsensusResult {
  items: ItemEstimate[];
  devices: DeviceEstimate[];
  /** Rules held back instead of quarantining a large share of devices at once. */
  alerts: ConsensusAlert[];
  /** Tags with few confident labels or with disagreement, most wanted first. */
  wantedTags: string[];
  iterations: number;
  ms: number;
}
