import { endianness } from 'node:os';
import type { StoredModelVersion } from './repository.ts';

/** Rows of the training store (step 3, ./training-migration.ts) as both databases read them. */

/** An event's `embedding` (base64 of little-endian float32) as floats. */
export function decodeEmbedding(base64: string): Float32Array {
  const bytes = Buffer.from(base64, 'base64');
  if (endianness() === 'BE') bytes.swap32();
  // Copied into a buffer of its own: Buffer's pooled memory may not be 4-byte aligned.
  const floats = new Float32Array(bytes.length / 4);
  new Uint8Array(floats.buffer).set(bytes);
  return floats;
}

/** An event's `baseScores` as the database hands them back: JSON text (SQLite), an object (PostgreSQL) or nothing. */
export function baseScoresOf(stored: string | Record<string, number> | null | undefined): Record<string, number> | null {
  if (stored === null || stored === undefined) return null;
  return typeof stored === 'string' ? (JSON.parse(stored) as Record<string, number>) : stored;
}

export interface ModelVersionRow {
  version: string;
  manifest: string;
  created_at: string | Date;
  run_id: string | null;
  previous: string | null;
}

export function modelVersionOf(row: ModelVersionRow): StoredModelVersion {
  return { version: row.version, manifest: row.manifest, createdAt: new Date(row.created_at), runId: row.run_id, previous: row.previous };
}
