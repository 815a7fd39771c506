import type { FeedbackEvent } from '../contract/feedback-event.ts';
import type { AdminStats } from '../contract/sync.ts';

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
}

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

export interface Repository {
  readonly kind: 'sqlite' | 'postgres';
  /** Applies pending migrations (versioned, in order, each in its own transaction). Idempotent. */
  migrate(): Promise<void>;
  createDevice(device: DeviceRecord): Promise<void>;
  deviceByTokenHash(tokenHash: string): Promise<DeviceRecord | null>;
  /** Stores valid events of one device in one transaction; each id at most once, ever. */
  storeEvents(deviceId: string, events: readonly FeedbackEvent[], receivedAt: Date): Promise<StoredEvents>;
  /** The events a device stored, exactly as accepted, by `at` then id. */
  eventsOfDevice(deviceId: string): Promise<FeedbackEvent[]>;
  /** Records a photo whose file was written; false when it was already recorded. */
  recordPhoto(photo: PhotoRecord): Promise<boolean>;
  stats(): Promise<AdminStats>;
  /** Server settings such as the admin token's hash. */
  setting(key: string): Promise<string | null>;
  setSetting(key: string, value: string): Promise<void>;
  close(): Promise<void>;
}
