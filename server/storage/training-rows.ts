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
