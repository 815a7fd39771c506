import { FeedbackEventSchema, type FeedbackEvent } from '../contract/feedback-event.ts';
import type { RejectedEvent, SyncResponse } from '../contract/sync.ts';
import type { StoredEvents } from '../storage/repository.ts';
import { describeIssue } from './json-body.ts';

/** A sync batch sorted before storing: each event validated alone, repeats of an id set aside. */
export interface SortedBatch {
  /** Valid events, each id once, in the order sent. */
  valid: FeedbackEvent[];
  invalid: RejectedEvent[];
  /** Ids sent again within the same batch; they share the fate of their first copy. */
  repeats: string[];
}

/** Longest id echoed back for an invalid event, so a junk id cannot blow up the answer. */
const MAX_ECHOED_ID = 100;

export function sortBatch(events: readonly unknown[]): SortedBatch {
  const valid: FeedbackEvent[] = [];
  const invalid: RejectedEvent[] = [];
  const repeats: string[] = [];
  const seen = new Set<string>();
  for (const raw of events) {
    const parsed = FeedbackEventSchema.safeParse(raw);
    if (!parsed.success) invalid.push({ id: sentId(raw), code: 'invalid-event', message: describeIssue(parsed.error) });
    else if (seen.has(parsed.data.id)) repeats.push(parsed.data.id);
    else {
      seen.add(parsed.data.id);
      valid.push(parsed.data);
    }
  }
  return { valid, invalid, repeats };
}

/** The answer to a batch, from what the repository did with its valid events. */
export function syncAnswer(batch: SortedBatch, stored: StoredEvents, modelVersion: string | null, wanted: string[]): SyncResponse {
  const conflicts = new Set(stored.conflicts);
  const conflict = (id: string): RejectedEvent => ({ id, code: 'id-conflict', message: 'Another device already sent an event with this id' });
  return {
    accepted: stored.accepted,
    duplicates: [...stored.duplicates, ...batch.repeats.filter((id) => !conflicts.has(id))],
    rejected: [...batch.invalid, ...stored.conflicts.map(conflict), ...batch.repeats.filter((id) => conflicts.has(id)).map(conflict)],
    model: { version: modelVersion },
    wanted,
  };
}

function sentId(raw: unknown): string {
  const id = typeof raw === 'object' && raw !== null && 'id' in raw ? raw.id : undefined;
  return typeof id === 'string' ? id.slice(0, MAX_ECHOED_ID) : '';
}
