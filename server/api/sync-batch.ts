import type { z } from 'zod';
import { FeedbackEventSchema, tagRefsOf, type EventRejection, type FeedbackEvent } from '../contract/feedback-event.ts';
import type { RejectedEvent, SyncResponse, TagNeed } from '../contract/sync.ts';
import { wantedList } from '../consensus/wanted-tags.ts';
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

/** A taught tag's id: `text:` + what people typed (server/training/taught-names.ts). */
const TAUGHT_ID = 'text:';

/**
 * Sorts a batch. `vocabulary`, the current model's tag ids, refuses an event naming any other id
 * (a made-up id would count as a tag nobody knows and fill the wanted list); free-text tags and
 * taught ids (`text:…`) are what people may name freely. Without a model there is nothing to check against.
 */
export function sortBatch(events: readonly unknown[], vocabulary?: ReadonlySet<string>): SortedBatch {
  const valid: FeedbackEvent[] = [];
  const invalid: RejectedEvent[] = [];
  const repeats: string[] = [];
  const seen = new Set<string>();
  for (const raw of events) {
    const parsed = FeedbackEventSchema.safeParse(raw);
    const unknown = parsed.success && vocabulary ? unknownTagId(parsed.data, vocabulary) : undefined;
    if (!parsed.success) invalid.push({ id: sentId(raw), code: rejectionCode(parsed.error), message: describeIssue(parsed.error) });
    else if (unknown !== undefined) invalid.push({ id: parsed.data.id, code: 'unknown-tag', message: `"${unknown.slice(0, MAX_ECHOED_ID)}" is not a tag of the model` });
    else if (seen.has(parsed.data.id)) repeats.push(parsed.data.id);
    else {
      seen.add(parsed.data.id);
      valid.push(parsed.data);
    }
  }
  return { valid, invalid, repeats };
}

/** The answer to a batch, from what the repository did with its valid events. */
export function syncAnswer(batch: SortedBatch, stored: StoredEvents, modelVersion: string | null, need: TagNeed): SyncResponse {
  const conflicts = new Set(stored.conflicts);
  const conflict = (id: string): RejectedEvent => ({ id, code: 'id-conflict', message: 'Another device already sent an event with this id' });
  return {
    accepted: stored.accepted,
    duplicates: [...stored.duplicates, ...batch.repeats.filter((id) => !conflicts.has(id))],
    rejected: [...batch.invalid, ...stored.conflicts.map(conflict), ...batch.repeats.filter((id) => conflicts.has(id)).map(conflict)],
    model: { version: modelVersion },
    need,
    wanted: wantedList(need),
  };
}

function unknownTagId(event: FeedbackEvent, vocabulary: ReadonlySet<string>): string | undefined {
  for (const tag of tagRefsOf(event)) if ('id' in tag && !tag.id.startsWith(TAUGHT_ID) && !vocabulary.has(tag.id)) return tag.id;
  return undefined;
}

/** The contract's own code for the first problem (unstorable text, an implausible time), else `invalid-event`. */
function rejectionCode(error: z.ZodError): string {
  const { code } = (error.issues[0] as { params?: { code?: EventRejection } }).params ?? {};
  return code ?? 'invalid-event';
}

function sentId(raw: unknown): string {
  const id = typeof raw === 'object' && raw !== null && 'id' in raw ? raw.id : undefined;
  return typeof id === 'string' ? id.slice(0, MAX_ECHOED_ID) : '';
}
