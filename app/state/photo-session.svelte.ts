import type { Box, Recognition, Tag, TagSource } from '../../models/pipeline/types.ts';
import { tagKey, type TagRef, type Verdict } from '../../server/contract/feedback-event.ts';
import type { CorrectedExample, FeedbackAct, LocalStore, PhotoFeedback, TagNames } from '../store/local-store.ts';
import type { TextSession } from './text-session.svelte.ts';

/** A tag as the result screen lists it, with the person's verdict. */
export interface TagRow {
  key: string;
  tag: TagRef;
  en: string;
  zh: string;
  /** The model's (or the memory's) score; null for a tag only the person named. */
  score: number | null;
  /** `user`: the person added it. */
  source: TagSource | 'user';
  boxes: readonly Box[];
  verdict: Verdict | null;
  /** The act that set the verdict, so that pressing the same button again undoes it. */
  feedbackId: string | null;
}

/** What the undo toast reports; `feedbackId` is the act its Undo button takes back. */
export interface Toast {
  /** Tells one toast from the next, so that its timer restarts even for the same words. */
  serial: number;
  kind: 'correct' | 'wrong' | 'added' | 'confirmed' | 'undone';
  names: TagNames | null;
  feedbackId: string | null;
}

export interface PhotoSessionInit {
  /** Object URL of the image shown; the session revokes it when disposed. */
  url: string;
  /** The result as shown: tags with personal suggestions merged, boxes in the shown image's pixels. */
  recognition: Recognition;
  /** null when the photo could not be kept: the result is shown, feedback is not possible. */
  photoId: string | null;
  feedback?: PhotoFeedback;
  storageError?: unknown;
  /** The quick question to ask, if any. */
  question?: Tag | null;
  store: LocalStore;
  /** Names of a tag the recognition does not list (the vocabulary's, else the free text). */
  names: (tag: TagRef) => TagNames;
  /** After every act on a photo with an embedding: it as an example for the device's memory (labels may be empty). */
  onchange?: (example: CorrectedExample) => void;
  /** The photo's text, where the app reads text. */
  text?: TextSession | null;
}

const NO_FEEDBACK: PhotoFeedback = { verdicts: new Map(), added: [], confirmedBy: null };

/** The photo on the result screen and every act of feedback on it, kept in the local store as it happens. */
export class PhotoSession {
  readonly url: string;
  readonly recognition: Recognition;
  readonly photoId: string | null;
  feedback = $state.raw<PhotoFeedback>(NO_FEEDBACK);
  /** Why feedback on this photo could not be kept (its last attempt), or null. */
  storageError = $state<unknown>(null);
  toast = $state.raw<Toast | null>(null);
  /** Key of the tag whose boxes stand out (focused or hovered in the list). */
  highlighted = $state<string | null>(null);
  question = $state.raw<Tag | null>(null);
  readonly rows: TagRow[];
  readonly text: TextSession | null;

  readonly #store: LocalStore;
  readonly #names: (tag: TagRef) => TagNames;
  readonly #onchange?: (example: CorrectedExample) => void;
  /** Acts run one after another, so that each reload of the feedback sees the one before. */
  #queue: Promise<void> = Promise.resolve();
  #serial = 0;

  constructor(init: PhotoSessionInit) {
    this.url = init.url;
    this.recognition = init.recognition;
    this.photoId = init.photoId;
    this.feedback = init.feedback ?? NO_FEEDBACK;
    this.storageError = init.storageError ?? null;
    this.question = init.question ?? null;
    this.#store = init.store;
    this.#names = init.names;
    this.#onchange = init.onchange;
    this.text = init.text ?? null;
    this.rows = $derived(tagRows(this.recognition.tags, this.feedback, this.#names));
  }

  /** Feedback can be given: the photo is in the store. */
  get canGiveFeedback(): boolean {
    return this.photoId !== null;
  }

  /** Tags the models listed below their thresholds and nobody judged: the "other possibilities". */
  get hidden(): Tag[] {
    const listed = new Set(this.rows.map((row) => row.key));
    return this.recognition.tags.filter((tag) => !listed.has(tag.id));
  }

  /** Listed tags still waiting for a verdict: what "All correct" confirms. */
  get unjudged(): TagRow[] {
    return this.rows.filter((row) => row.verdict === null);
  }

  /** Pressing the button of the verdict a tag already has takes that verdict back. */
  judge(row: TagRow, verdict: Verdict): Promise<void> {
    if (row.verdict === verdict && row.feedbackId) return this.undo(row.feedbackId);
    const score = row.score ?? undefined;
    return this.#act((photoId) => ({ type: 'tag-verdict', photoId, tag: row.tag, verdict, score, origin: row.source }), verdict, row);
  }

  confirmAll(): Promise<void> {
    const tags = this.unjudged.map((row) => row.tag);
    return this.#act((photoId) => ({ type: 'photo-confirmed', photoId, tags }), 'confirmed', null);
  }

  /** Adds a tag; one the photo already lists is marked correct instead, so nothing is there twice. */
  add(tag: TagRef): Promise<void> {
    const row = this.rows.find((candidate) => candidate.key === tagKey(tag));
    if (row) return row.verdict === 'correct' ? Promise.resolve() : this.judge(row, 'correct');
    const names = this.#names(tag);
    // Names travel with a vocabulary tag so history can show it without the vocabulary.
    const kept = 'id' in tag ? { names } : {};
    return this.#act((photoId) => ({ type: 'tag-added', photoId, tag, origin: 'user', ...kept }), 'added', names);
  }

  /** The quick question's answer is ordinary feedback, from the question; it is asked once. */
  answer(verdict: Verdict): Promise<void> {
    const tag = this.question;
    this.question = null;
    if (!tag) return Promise.resolve();
    const ref = refOf(tag.id);
    return this.#act((photoId) => ({ type: 'tag-verdict', photoId, tag: ref, verdict, score: tag.score, origin: 'question' }), verdict, tag);
  }

  undo(feedbackId: string): Promise<void> {
    return this.#run(async () => {
      await this.#store.undoFeedback(feedbackId);
      return { kind: 'undone', names: null, feedbackId: null };
    });
  }

  dismissToast(serial: number): void {
    if (this.toast?.serial === serial) this.toast = null;
  }

  dispose(): void {
    URL.revokeObjectURL(this.url);
  }

  #act(act: (photoId: string) => FeedbackAct, kind: Toast['kind'], names: TagNames | null): Promise<void> {
    return this.#run(async (photoId) => {
      const record = await this.#store.recordFeedback(act(photoId));
      return { kind, names: names && { en: names.en, zh: names.zh }, feedbackId: record.id };
    });
  }

  #run(work: (photoId: string) => Promise<Omit<Toast, 'serial'>>): Promise<void> {
    const photoId = this.photoId;
    if (photoId === null) return Promise.resolve();
    this.#queue = this.#queue.then(async () => {
      try {
        const toast = await work(photoId);
        this.feedback = await this.#store.photoFeedback(photoId);
        this.storageError = null;
        this.toast = { ...toast, serial: ++this.#serial };
        // A tag judged some other way is no longer worth asking about.
        if (this.question && this.feedback.verdicts.has(this.question.id)) this.question = null;
        const { embedding } = this.recognition;
        if (embedding) this.#onchange?.({ photoId, embedding, labels: this.#labels() });
      } catch (error) {
        // Shown on the result screen (handleError); the act is simply not kept.
        console.warn('Wanwu: feedback not kept', error);
        this.storageError = error;
      }
    });
    return this.#queue;
  }

  /** Every verdict as the device's memory learns it, the same labels store.correctedExamples() gives. */
  #labels(): CorrectedExample['labels'] {
    return this.rows.flatMap(({ key, tag, en, zh, verdict }) => (verdict ? [{ key, tag, en, zh, verdict }] : []));
  }
}

/** The inverse of tagKey() for the keys tags are listed under. */
function refOf(key: string): TagRef {
  return key.startsWith('text:') ? { text: key.slice('text:'.length) } : { id: key };
}

/**
 * The list: the shown tags (models' and personal) and any listed tag the person judged, in the
 * recognition's order, then tags only the person named. The same rule as history's rows
 * (listedTags in app/store/feedback-state.ts), over the full tags, which carry scores and boxes.
 */
function tagRows(tags: readonly Tag[], feedback: PhotoFeedback, names: (tag: TagRef) => TagNames): TagRow[] {
  const added = new Set(feedback.added.map(({ tag }) => tagKey(tag)));
  const rows = new Map<string, TagRow>();
  for (const tag of tags) {
    const judged = feedback.verdicts.get(tag.id);
    if (!tag.shown && !judged) continue;
    rows.set(tag.id, {
      key: tag.id,
      tag: refOf(tag.id),
      en: tag.en,
      zh: tag.zh,
      score: tag.score,
      source: added.has(tag.id) ? 'user' : tag.source,
      boxes: tag.boxes ?? [],
      verdict: judged?.verdict ?? null,
      feedbackId: judged?.feedbackId ?? null,
    });
  }
  for (const [key, { verdict, feedbackId }] of feedback.verdicts) {
    if (rows.has(key)) continue;
    const tag = refOf(key);
    rows.set(key, { key, tag, ...names(tag), score: null, source: 'user', boxes: [], verdict, feedbackId });
  }
  return [...rows.values()];
}
