import { randomBytes } from 'node:crypto';
import { createUuidV7 } from '../../app/store/uuid.ts';
import type { FeedbackEvent } from '../../server/contract/feedback-event.ts';

/**
 * Feedback events as the app sends them (tag verdicts with an embedding), for load and crash
 * tests of `POST /api/v1/sync`. Each call makes fresh UUIDv7 ids, so no two batches collide.
 */

/** Width of the embedding each event carries: the detector backbone's mean and max pools. */
export const EMBEDDING_DIMS = 960;

/** Tags of the built vocabulary: the server refuses ids its model does not know. */
const TAGS = ['coco:dog', 'coco:cat', 'coco:person', 'coco:bicycle', 'coco:car', 'coco:cup'];

/** Base64 of little-endian float32 (Float32Array is little-endian on every platform Node runs on). */
function randomEmbedding(): string {
  const values = Float32Array.from({ length: EMBEDDING_DIMS }, () => Math.random() * 2 - 1);
  return Buffer.from(values.buffer).toString('base64');
}

function verdictEvent(id: string, index: number, at: string): FeedbackEvent {
  return {
    id,
    type: 'tag-verdict',
    photoId: randomBytes(32).toString('hex'),
    tag: { id: TAGS[index % TAGS.length] },
    verdict: index % 3 === 0 ? 'wrong' : 'correct',
    score: Math.round(Math.random() * 1000) / 1000,
    origin: 'detector',
    model: 'bench-1',
    at,
    embedding: randomEmbedding(),
    dims: EMBEDDING_DIMS,
  };
}

/** `count` valid events with fresh ids. */
export function verdictEvents(count: number): FeedbackEvent[] {
  const nextId = createUuidV7();
  const now = Date.now();
  const at = new Date(now).toISOString();
  return Array.from({ length: count }, (_, index) => verdictEvent(nextId(now), index, at));
}

/** A valid UUID that marks where the ids go in a template. */
const PLACEHOLDER = '00000000-0000-7000-8000-000000000000';

/**
 * Request bodies of `size` events with fresh ids each. They are stamped from a few serialized
 * templates (a copy and 36-byte writes), so a load generator measures the server, not JSON.stringify.
 */
export function createBatchBodies(size: number, templates = 8): () => Buffer {
  const nextId = createUuidV7();
  const at = new Date().toISOString();
  const stamps = Array.from({ length: templates }, () => {
    const events = Array.from({ length: size }, (_, index) => verdictEvent(PLACEHOLDER, index, at));
    const body = Buffer.from(JSON.stringify({ events }));
    const offsets: number[] = [];
    for (let at = body.indexOf(PLACEHOLDER); at !== -1; at = body.indexOf(PLACEHOLDER, at + 1)) offsets.push(at);
    return { body, offsets };
  });
  let turn = 0;
  return () => {
    const { body, offsets } = stamps[turn++ % stamps.length];
    const copy = Buffer.from(body);
    // One UUIDv7 per body, its last 48 random bits replaced by the event's index: unique, ordered, and cheap.
    const prefix = nextId(Date.now()).slice(0, 24);
    offsets.forEach((offset, index) => copy.write(prefix + index.toString(16).padStart(12, '0'), offset, 'latin1'));
    return copy;
  };
}
