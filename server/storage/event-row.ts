import { tagKey, type FeedbackEvent } from '../contract/feedback-event.ts';

/** The columns an event is indexed by; `payload` keeps the whole event. One mapping for both databases. */
export interface EventRow {
  id: string;
  type: FeedbackEvent['type'];
  photoId: string;
  /** `tagKey()` of the judged or added tag; null for events about several tags or none. */
  tagKey: string | null;
  verdict: string | null;
  model: string;
  /**
   * UTC ISO-8601, whatever offset the device wrote, and never after the server received it: a
   * device's clock is a claim (the payload keeps it as sent), and a claim from the future would
   * outrank every honest answer wherever "newer wins".
   */
  at: string;
  payload: string;
}

export function eventRow(event: FeedbackEvent, receivedAt: Date): EventRow {
  return {
    id: event.id,
    type: event.type,
    photoId: event.photoId,
    tagKey: 'tag' in event ? tagKey(event.tag) : null,
    verdict: event.type === 'tag-verdict' ? event.verdict : null,
    model: event.model,
    at: new Date(Math.min(Date.parse(event.at), receivedAt.getTime())).toISOString(),
    payload: payloadOf(event),
  };
}

/**
 * The event as JSON. Its embedding (most of its bytes) is spliced in rather than serialised:
 * FeedbackEventSchema let through only the base64 alphabet, which JSON never escapes, and
 * JSON.stringify would scan every character of it again (more than a millisecond a batch).
 */
function payloadOf(event: FeedbackEvent): string {
  if (event.embedding === undefined) return JSON.stringify(event);
  const { embedding, ...rest } = event;
  return `${JSON.stringify(rest).slice(0, -1)},"embedding":"${embedding}"}`;
}
