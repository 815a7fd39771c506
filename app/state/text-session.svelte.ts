import type { TextLine } from '../../models/pipeline/ocr/read-text.ts';
import type { FeedbackAct, LocalStore, TextCorrection, TextRecord } from '../store/local-store.ts';
import { textLineKey } from '../store/text-feedback.ts';
import type { ReadTextState } from './read-text.svelte.ts';

/** A read line as the result screen lists it, with the person's judgement. */
export interface TextRow {
  key: string;
  /** The line as the OCR read it (text, confidence, box). */
  line: TextLine;
  /** What the line says: the person's correction when there is one, else as read. */
  text: string;
  judged: 'confirmed' | 'corrected' | null;
  /** The act that judged it, to undo. */
  feedbackId: string | null;
}

export type TextStatus = 'idle' | 'reading' | 'done' | 'error';

export interface TextSessionInit {
  /** null when the photo could not be kept: its text can be read, not judged. */
  photoId: string | null;
  /** The image on the result screen (boxes come in its pixels); null once dropped to free space. */
  image: Blob | null;
  /** Version of the bundle whose result is shown. */
  model: string;
  /** An earlier reading of the same photo, with its judgements. */
  saved?: TextRecord;
  feedback?: Map<string, TextCorrection>;
  store: LocalStore;
  reader: ReadTextState;
}

/**
 * The text of the photo on the result screen: read on request (or by itself when a switch in
 * Settings says so: every photo, or one that looks text-heavy), kept with the photo, and each
 * line confirmed or corrected as a `text-corrected` act. A failure stays here: the tags never
 * wait for, or break with, the text.
 */
export class TextSession {
  status = $state<TextStatus>('idle');
  lines = $state.raw<TextLine[]>([]);
  /** Milliseconds the reading took (this one or the saved one); null until read. */
  ms = $state<number | null>(null);
  feedback = $state.raw<Map<string, TextCorrection>>(new Map());
  /** Why reading failed, or null. */
  error = $state<unknown>(null);
  /** Why the last act (or the reading) could not be kept, or null. */
  storageError = $state<unknown>(null);
  /** Key of the line whose box stands out (focused or hovered in the list). */
  highlighted = $state<string | null>(null);
  readonly rows: TextRow[];

  readonly #init: TextSessionInit;
  #reading: Promise<void> | undefined;
  /** Acts run one after another, so that each reload of the feedback sees the one before. */
  #queue: Promise<void> = Promise.resolve();

  constructor(init: TextSessionInit) {
    this.#init = init;
    if (init.saved) {
      this.lines = init.saved.lines;
      this.ms = init.saved.ms;
      this.status = 'done';
    }
    this.feedback = init.feedback ?? new Map();
    this.rows = $derived(textRows(this.lines, this.feedback));
  }

  get canRead(): boolean {
    return this.#init.image !== null;
  }

  get canJudge(): boolean {
    return this.#init.photoId !== null;
  }

  /** Reads the photo once; a failed reading may be tried again. */
  read(): Promise<void> {
    const { image, photoId, model, store, reader } = this.#init;
    if (!image || this.status === 'done') return Promise.resolve();
    this.#reading ??= (async () => {
      this.status = 'reading';
      this.error = null;
      try {
        const { lines, ms } = await reader.read(image);
        this.lines = lines;
        this.ms = ms;
        this.status = 'done';
        if (photoId !== null) await store.saveText({ photoId, model, lines, ms }).catch((error: unknown) => this.#notKept(error));
      } catch (error) {
        console.warn('Wanwu: reading text failed', error);
        this.error = error;
        this.status = 'error';
      } finally {
        this.#reading = undefined;
      }
    })();
    return this.#reading;
  }

  /** ✓: the line says what was read. Pressed again, the confirmation is taken back. */
  confirm(row: TextRow): Promise<void> {
    if (row.judged === 'confirmed' && row.feedbackId) return this.undo(row.feedbackId);
    return this.#act(row, row.line.text);
  }

  /** The line really says `text`; saying what it already says changes nothing. */
  correct(row: TextRow, text: string): Promise<void> {
    const corrected = text.trim();
    if (corrected === '' || corrected === row.text) return Promise.resolve();
    return this.#act(row, corrected);
  }

  undo(feedbackId: string): Promise<void> {
    return this.#run((store) => store.undoFeedback(feedbackId));
  }

  #act(row: TextRow, corrected: string): Promise<void> {
    const { line } = row;
    return this.#run(async (store, photoId) => {
      const act: FeedbackAct = { type: 'text-corrected', photoId, original: line.text, corrected, box: line.box, score: line.score };
      await store.recordFeedback(act);
    });
  }

  #run(work: (store: LocalStore, photoId: string) => Promise<unknown>): Promise<void> {
    const { photoId, store } = this.#init;
    if (photoId === null) return Promise.resolve();
    this.#queue = this.#queue.then(async () => {
      try {
        await work(store, photoId);
        this.feedback = await store.textFeedback(photoId);
        this.storageError = null;
      } catch (error) {
        this.#notKept(error);
      }
    });
    return this.#queue;
  }

  #notKept(error: unknown): void {
    console.warn('Wanwu: text feedback not kept', error);
    this.storageError = error;
  }
}

function textRows(lines: readonly TextLine[], feedback: ReadonlyMap<string, TextCorrection>): TextRow[] {
  return lines.map((line) => {
    const key = textLineKey(line.text, line.box);
    const judgement = feedback.get(key);
    if (!judgement) return { key, line, text: line.text, judged: null, feedbackId: null };
    const judged = judgement.corrected === line.text ? 'confirmed' : 'corrected';
    return { key, line, text: judgement.corrected, judged, feedbackId: judgement.feedbackId };
  });
}
