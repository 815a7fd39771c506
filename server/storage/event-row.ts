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
  /** UTC ISO-8601, whatever offset the device wrote. */
  at: string;
  payload: string;
}

export function eventRow(event: FeedbackEvent): EventRow {
  return {
    id: event.id,
    type: event.type,
    photoId: event.photoId,
    tagKey: 'tag' in event ? tagKey(event.tag) : null,
    verdict: event.type === 'tag-verdict' ? event.verdict : null,
    model: event.model,
    at: new Date(event.at).toISOString(),
    payload: JSON.stringify(event),
  };
}
