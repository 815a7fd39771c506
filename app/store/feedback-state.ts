import { tagKey, type TagRef, type Verdict } from '../../server/contract/feedback-event.ts';
import type { FeedbackRecord, HistoryItem, PhotoFeedback, PhotoRecord, RecognitionRecord, TagNames } from './local-store.ts';

/**
 * What a photo's feedback rows add up to, and the fields the photo row is indexed by. Pure, so the
 * store, the schema upgrade and the tests all derive them the same way.
 */

export interface TagState {
  tag: TagRef;
  verdict: Verdict;
  feedbackId: string;
}

export interface FeedbackState {
  /** tagKey → the latest verdict that was not undone (an added or confirmed tag counts as correct). */
  verdicts: Map<string, TagState>;
  /** tagKey → the added tag, its names when the act carried them, and the act. */
  added: Map<string, { tag: TagRef; names?: TagNames; feedbackId: string }>;
  confirmedBy: string | null;
}

/** Rows by the photo they belong to, in their order. */
export function groupByPhoto<T extends { photoId: string }>(rows: readonly T[]): Map<string, T[]> {
  const byPhoto = new Map<string, T[]>();
  for (const row of rows) {
    const group = byPhoto.get(row.photoId);
    if (group) group.push(row);
    else byPhoto.set(row.photoId, [row]);
  }
  return byPhoto;
}

/** Replays the acts that were not undone in the order they happened (UUIDv7 ids sort by time). */
export function foldFeedback(records: readonly FeedbackRecord[]): FeedbackState {
  const state: FeedbackState = { verdicts: new Map(), added: new Map(), confirmedBy: null };
  const acts = records.filter((record) => !record.undone).sort((a, b) => (a.id < b.id ? -1 : 1));
  for (const { id, event, names } of acts) {
    switch (event.type) {
      case 'tag-verdict':
        state.verdicts.set(tagKey(event.tag), { tag: event.tag, verdict: event.verdict, feedbackId: id });
        break;
      case 'tag-added':
        state.added.set(tagKey(event.tag), { tag: event.tag, names, feedbackId: id });
        state.verdicts.set(tagKey(event.tag), { tag: event.tag, verdict: 'correct', feedbackId: id });
        break;
      case 'photo-confirmed':
        state.confirmedBy = id;
        for (const tag of event.tags) state.verdicts.set(tagKey(tag), { tag, verdict: 'correct', feedbackId: id });
        break;
      case 'feedback-retracted':
        // Retractions only travel in the outbox; a feedback row never holds one.
        break;
      case 'text-corrected':
        // About a line of text, not a tag (text-feedback.ts).
        break;
    }
  }
  return state;
}

export function photoFeedback(state: FeedbackState): PhotoFeedback {
  return {
    verdicts: new Map([...state.verdicts].map(([key, { verdict, feedbackId }]) => [key, { verdict, feedbackId }])),
    added: [...state.added.values()].map(({ tag, feedbackId }) => ({ tag, feedbackId })),
    confirmedBy: state.confirmedBy,
  };
}

/** The tags a history row lists: shown, personal or judged tags of the recognition, then any other judged or added tag. */
export function listedTags(recognition: RecognitionRecord | undefined, state: FeedbackState): HistoryItem['tags'] {
  const listed = new Map<string, HistoryItem['tags'][number]>();
  for (const tag of recognition?.tags ?? []) {
    const verdict = state.verdicts.get(tag.id)?.verdict ?? null;
    if ((tag.shown || tag.source === 'personal' || verdict) && !listed.has(tag.id)) {
      listed.set(tag.id, { key: tag.id, en: tag.en, zh: tag.zh, verdict });
    }
  }
  for (const [key, { tag, verdict }] of state.verdicts) {
    if (!listed.has(key)) listed.set(key, { key, ...namesOf(tag, recognition, state), verdict });
  }
  return [...listed.values()];
}

/** A tag's names: from the recognition that listed it, from the act that added it, else its id or text. */
export function namesOf(tag: TagRef, recognition: RecognitionRecord | undefined, state: FeedbackState): TagNames {
  if ('text' in tag) return { en: tag.text, zh: tag.text };
  const known = recognition?.tags.find((candidate) => candidate.id === tag.id) ?? state.added.get(tag.id)?.names;
  return known ? { en: known.en, zh: known.zh } : { en: tag.id, zh: tag.id };
}

/** The photo row's search keys and review flag (schema v2), from its latest recognition and its feedback. */
export function indexFields(
  recognition: RecognitionRecord | undefined,
  state: FeedbackState,
): Pick<PhotoRecord, 'tagKeys' | 'needsReview'> {
  const unjudged = (recognition?.tags ?? []).some((tag) => tag.shown && !state.verdicts.has(tag.id));
  // A tag judged wrong is not what the photo shows, so searching for it should not find the photo.
  const keys = listedTags(recognition, state)
    .filter((tag) => tag.verdict !== 'wrong')
    .flatMap((tag) => [tag.key, tag.en, tag.zh].map((key) => key.toLowerCase()));
  return { tagKeys: [...new Set(keys)], needsReview: unjudged && !state.confirmedBy ? 1 : 0 };
}
