import type { TrainingRun } from '../contract/training.ts';
import type { ConsensusRun, TagDecision } from '../contract/admin.ts';
import type { FeedbackEvent, FeedbackEventType, Verdict } from '../contract/feedback-event.ts';
import type { AdminStats, TagNeed } from '../contract/sync.ts';
import type { ConsensusAlert, DeviceEstimate, ItemEstimate } from '../consensus/types.ts';

/**
 * Everything the server keeps, behind one interface: SQLite (./sqlite-repository.ts, the default,
 * a file under WANWU_DATA) and PostgreSQL (./postgres-repository.ts, when DATABASE_URL is set).
 * Both pass the same contract suite (./repository.case.ts). Every method is atomic: when it
 * resolves, what it wrote is durable; when it throws, it wrote nothing.
 */

export interface DeviceRecord {
  id: string;
  /** sha256 (hex) of the bearer token; the token itself is never stored. */
  tokenHash: string;
  createdAt: Date;
  /** An admin banned it: its token is refused. */
  banned: boolean;
}

/** What was stored in one UTC day. */
export interface DailyUsage {
  events: number;
  bytes: number;
  photos: number;
}

/** The UTC day a time falls on, as usage is counted by. */
export const usageDay = (time: Date) => time.toISOString().slice(0, 10);

/** A device as registered, with the client address it registered from. */
export type NewDevice = Omit<DeviceRecord, 'banned'> & { address: string };

export interface StoredEvents {
  /** Ids stored by this call. */
  accepted: string[];
  /** Ids this device had already stored (a retry). */
  duplicates: string[];
  /** Ids another device already used: refused, never overwritten. */
  conflicts: string[];
}

export interface PhotoRecord {
  /** sha256 (hex) of the stored bytes' original upload, the name events refer to. */
  id: string;
  bytes: number;
  /** The device that sent it first. */
  deviceId: string;
  storedAt: Date;
}

/** A stored event without its embedding: what aggregation reads. */
export interface EventFacts {
  id: string;
  deviceId: string;
  type: FeedbackEventType;
  photoId: string;
  /** tagKey() of the judged or added tag, or of every tag a photo-confirmed lists; empty for a retraction. */
  tagKeys: string[];
  verdict: Verdict | null;
  at: Date;
  /** The model's score sent with a tag-verdict. */
  score: number | null;
  /** The act a feedback-retracted takes back. */
  retracts: string | null;
}

export interface EventPage {
  events: EventFacts[];
  /** Pass it back to read on from here; unchanged when nothing new was stored. */
  cursor: string;
}

/** An admin's decision about a device, over what consensus found: released devices are never quarantined. */
export type AdminDeviceStatus = 'released' | 'banned';

/** One (photo, tag) of the stored consensus, with the model's score for it when an event carried one. */
export interface ConsensusItem extends ItemEstimate {
  modelScore: number | null;
}

/** What a consensus run stores. */
export interface ConsensusSnapshot {
  run: ConsensusRun;
  /** A full run's items replace all stored items; an incremental run's are the changed ones, upserted. */
  items: ConsensusItem[];
  devices: DeviceEstimate[];
  /** In consensus_runs.wanted_tags, where runs stored before need kept a list of tags (read back as UNKNOWN_NEED). */
  need: TagNeed;
  feedbackPerDay: { day: string; events: number }[];
  /** Every rule held back now: the engine judges all devices on every run, incremental or full, so each run's list is whole. */
  alerts: ConsensusAlert[];
}

export type StoredRun = Pick<ConsensusSnapshot, 'run' | 'need' | 'feedbackPerDay' | 'alerts'>;

export interface ConsensusDevice extends DeviceEstimate {
  adminStatus: AdminDeviceStatus | null;
}

/** A hard example, and whether its photo was shared. */
export interface HardItem extends ConsensusItem {
  shared: boolean;
}

/** What consensus reads and stores (../consensus/job.ts); each database implements it beside its repository. */
export interface ConsensusStore {
  /**
   * Events stored after `cursor` (null: from the first), at most `limit`, in the order they were
   * stored. Only events whose transactions committed are returned and none is ever skipped: an
   * event committed later than a read comes after that read's cursor.
   */
  eventsAfter(cursor: string | null, limit: number): Promise<EventPage>;
  saveConsensus(snapshot: ConsensusSnapshot, mode: 'replace' | 'update'): Promise<void>;
  latestConsensusRun(): Promise<StoredRun | null>;
  /** Every device the last run estimated, with its admin status, most reliable first. */
  consensusDevices(): Promise<ConsensusDevice[]>;
  /** Items whose consensus is at least `confidence` sure either way (probability ≥ c or ≤ 1 − c). */
  confidentItems(confidence: number): Promise<ConsensusItem[]>;
  /** Hard examples, the model's worst mistakes first. */
  hardItems(limit: number): Promise<HardItem[]>;
  /** Admin statuses of devices that have one. */
  adminDeviceStatuses(): Promise<Map<string, AdminDeviceStatus>>;
  /** Sets (null: clears) a device's admin status; false when no such device is registered. */
  /** Also records when a device is banned (`bannedFrom` reads it). */
  setAdminDeviceStatus(deviceId: string, status: AdminDeviceStatus | null): Promise<boolean>;
  /** Whether a device registered from `address` was banned after `since` and still is. */
  bannedFrom(address: string, since: Date): Promise<boolean>;
  /** Free-text tags an admin merged into vocabulary tags: `text:<normalised>` → vocabulary id. */
  tagMerges(): Promise<Map<string, string>>;
  mergeTag(from: string, into: string): Promise<void>;
  /** An admin's decisions about new taught tags: `text:<normalised>` → approved or refused. */
  tagDecisions(): Promise<Map<string, TagDecision>>;
  /** Records a decision, replacing an earlier one about the same tag. */
  decideTag(tagKey: string, decision: TagDecision): Promise<void>;
}

/** One photo's embedding as the newest event about it carried it (float32, little-endian). */
export interface PhotoEmbedding {
  photoId: string;
  embedding: Float32Array;
  /** The base models' scores sent with that embedding (tag id → score), or null from apps that sent none. */
  baseScores: Readonly<Record<string, number>> | null;
}

/** A published model version: its manifest exactly as served, and where it came from. */
export interface StoredModelVersion {
  version: string;
  /** The manifest's JSON text, byte for byte as apps receive it. */
  manifest: string;
  createdAt: Date;
  runId: string | null;
  previous: string | null;
}

/** What training reads and records (../training/job.ts) and what the model registry keeps (../models/registry.ts). */
export interface TrainingStore {
  /** Per photo, the embedding of the newest event that carried one, from devices not banned. */
  photoEmbeddings(): Promise<PhotoEmbedding[]>;
  /** Inserts a run or replaces the one with its id. */
  saveTrainingRun(run: TrainingRun): Promise<void>;
  /** The newest runs first. */
  trainingRuns(limit: number): Promise<TrainingRun[]>;
  /** Adds a version; versions are never changed or removed. */
  saveModelVersion(version: StoredModelVersion): Promise<void>;
  /** Oldest first. */
  modelVersions(): Promise<StoredModelVersion[]>;
  /** The version apps are told to run (null: the bundle `npm run models` built). */
  currentModelVersion(): Promise<string | null>;
  setCurrentModelVersion(version: string | null): Promise<void>;
}

export interface Repository extends ConsensusStore, TrainingStore {
  readonly kind: 'sqlite' | 'postgres';
  /** Applies pending migrations (versioned, in order, each in its own transaction). Idempotent. */
  migrate(): Promise<void>;
  createDevice(device: NewDevice): Promise<void>;
  deviceByTokenHash(tokenHash: string): Promise<DeviceRecord | null>;
  /** Stores valid events of one device in one transaction; each id at most once, ever. */
  storeEvents(deviceId: string, events: readonly FeedbackEvent[], receivedAt: Date): Promise<StoredEvents>;
  /** The events a device stored, exactly as accepted, by `at` then id. */
  eventsOfDevice(deviceId: string): Promise<FeedbackEvent[]>;
  /** Records a photo whose file was written; false when it was already recorded. */
  recordPhoto(photo: PhotoRecord): Promise<boolean>;
  /**
   * What all devices together, and `deviceId` when given (else nothing), stored on the UTC day of
   * `day`: events accepted (and their bytes as stored) and photos recorded, counted by storeEvents
   * and recordPhoto in their own transactions.
   */
  usage(day: Date, deviceId?: string): Promise<{ device: DailyUsage; everyone: DailyUsage }>;
  /**
   * The devices whose usage on the UTC day of `day` is nearest a per-device `quota` (by the largest
   * share of its events, bytes or photos), nearest first, at most `limit`.
   */
  devicesNearestQuota(day: Date, quota: DailyUsage, limit: number): Promise<(DailyUsage & { deviceId: string })[]>;
  stats(): Promise<Pick<AdminStats, 'devices' | 'events' | 'photos'>>;
  /** Server settings such as the admin token's hash. */
  setting(key: string): Promise<string | null>;
  setSetting(key: string, value: string): Promise<void>;
  close(): Promise<void>;
}
