import { tagKey, type FeedbackEventType, type TagRef, type Verdict } from '../contract/feedback-event.ts';
import type { QuarantineReason } from '../consensus/types.ts';
import type { AdminDeviceStatus, ConsensusDevice, ConsensusItem, EventFacts } from './repository.ts';

/** Rows of the consensus tables and event facts, as both databases return them; one mapping for both. */

export interface FactRow {
  id: string;
  device_id: string;
  type: FeedbackEventType;
  photo_id: string;
  tag_key: string | null;
  verdict: Verdict | null;
  at: string | Date;
  score: number | null;
  retracts: string | null;
}

export interface ItemRow {
  photo_id: string;
  tag_key: string;
  probability: number;
  votes: number;
  model_score: number | null;
  /** 0/1 in SQLite, boolean in PostgreSQL. */
  hard: number | boolean;
}

export interface DeviceRow {
  device_id: string;
  sensitivity: number;
  specificity: number;
  reliability: number;
  uncertainty: number;
  votes: number;
  quarantine_reason: QuarantineReason | null;
  quarantine_evidence: string | null;
  admin_status: AdminDeviceStatus | null;
}

/** `tags`: a photo-confirmed's listed tags, else null. */
export function factsOf(row: FactRow, tags: TagRef[] | null): EventFacts {
  return {
    id: row.id,
    deviceId: row.device_id,
    type: row.type,
    photoId: row.photo_id,
    tagKeys: tags ? tags.map(tagKey) : row.tag_key === null ? [] : [row.tag_key],
    verdict: row.verdict,
    at: new Date(row.at),
    score: row.score,
    retracts: row.retracts,
  };
}

export function itemOf(row: ItemRow): ConsensusItem {
  return { photoId: row.photo_id, tagKey: row.tag_key, probability: row.probability, votes: row.votes, modelScore: row.model_score, hard: Boolean(row.hard) };
}

export function deviceOf(row: DeviceRow): ConsensusDevice {
  return {
    deviceId: row.device_id,
    sensitivity: row.sensitivity,
    specificity: row.specificity,
    reliability: row.reliability,
    uncertainty: row.uncertainty,
    votes: row.votes,
    quarantine: row.quarantine_reason === null ? null : { reason: row.quarantine_reason, evidence: row.quarantine_evidence ?? '' },
    adminStatus: row.admin_status,
  };
}

/** The SQL both databases share for reading results. */
export const DEVICES_SQL = `SELECT c.*, d.admin_status FROM consensus_devices c LEFT JOIN devices d ON d.id = c.device_id
  ORDER BY c.reliability DESC, c.device_id`;
