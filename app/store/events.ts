import { FeedbackEventSchema, type FeedbackEvent } from '../../server/contract/feedback-event.ts';
import type { FeedbackAct } from './local-store.ts';

/** Turns acts into wire events, validated against the server's schema before anything is stored. */

export interface EventContext {
  id: string;
  /** ms since the epoch. */
  at: number;
  /** Version of the model bundle whose result was judged. */
  model: string;
  embedding: Float32Array | null;
  /** The base models' scores on the photo, sent with the embedding (none in records from before they were kept). */
  baseScores?: Record<string, number> | null;
}

/** Base64 of the embedding as little-endian float32, whatever the platform's byte order. */
export function encodeEmbedding(embedding: Float32Array): string {
  const view = new DataView(new ArrayBuffer(embedding.length * 4));
  embedding.forEach((value, i) => view.setFloat32(i * 4, value, true));
  const bytes = new Uint8Array(view.buffer);
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/** The act's fields that travel: an added tag's `names` only help this device's history. */
function wireFields(act: FeedbackAct) {
  if (act.type !== 'tag-added') return act;
  const { names: _local, ...fields } = act;
  return fields;
}

export function actEvent(act: FeedbackAct, context: EventContext): FeedbackEvent {
  // A text correction teaches reading, not tags: the photo's embedding would be dead weight.
  const embedding = context.embedding && act.type !== 'text-corrected'
    ? { embedding: encodeEmbedding(context.embedding), dims: context.embedding.length, ...(context.baseScores && { baseScores: context.baseScores }) }
    : {};
  return FeedbackEventSchema.parse({
    ...wireFields(act),
    id: context.id,
    at: new Date(context.at).toISOString(),
    model: context.model,
    ...embedding,
  });
}

/** Undo of an act whose event already left the device. */
export function retractionEvent(original: FeedbackEvent, id: string, at: number): FeedbackEvent {
  return FeedbackEventSchema.parse({
    type: 'feedback-retracted',
    id,
    photoId: original.photoId,
    model: original.model,
    at: new Date(at).toISOString(),
    retracts: original.id,
  });
}
