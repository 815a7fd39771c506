import type { Recognition, Tag } from '../../models/pipeline/types.ts';
import type { TagRef } from '../../server/contract/feedback-event.ts';
import { errorCode } from '../errors/handle-error.ts';
import type { DownloadProgress, InferenceClient, LoadedModels } from '../inference/client.ts';
import { applyPersonal, PersonalMemory } from '../learning/personal-memory.ts';
import { chooseQuestion } from '../learning/quick-question.ts';
import { preparePhoto } from '../photos/prepare-photo.ts';
import type { LocalStore, PreparedPhoto, TagNames } from '../store/local-store.ts';
import { createTagIndex, type TagIndex } from '../tags/tag-search.ts';
import { PhotoSession } from './photo-session.svelte.ts';
import type { ReadTextState } from './read-text.svelte.ts';
import { TextSession } from './text-session.svelte.ts';

export type AppStatus = 'loading' | 'ready' | 'working' | 'done' | 'error';

/** Tags scoring at least this are asked for, so that the "more" list has something to offer. */
const MORE_MIN_SCORE = 0.1;

/** The app's state: model loading, the local store, the device's memory, and the photo being looked at. */
export class AppState {
  status = $state<AppStatus>('loading');
  progress = $state<DownloadProgress | null>(null);
  models = $state<LoadedModels | null>(null);
  /** The photo on the result screen, with its feedback. */
  session = $state<PhotoSession | null>(null);
  /** Autocomplete for "Add tag": the vocabulary and this person's own tags. */
  tagIndex = $state.raw<TagIndex | null>(null);
  /** The failure being shown: the error as thrown, turned into words by handleError(). */
  error = $state<unknown>(null);
  /** A service worker controls the page: reloading without a network works. */
  offlineReady = $state(false);
  /** Bumped per photo, so that a slow answer for an older photo cannot replace a newer one. */
  #latest = 0;
  /** Corrected photos as nearest neighbours; filled from the store at start, then after every act. */
  readonly #memory = new PersonalMemory();
  readonly #remembered: Promise<void>;

  /**
   * @param need How much the server needs answers about a tag (from the last sync): the quick
   * question weighs each tag by it.
   * @param readText Reading text in photos; without it the result screen has no text section.
   */
  constructor(
    private readonly client: InferenceClient,
    readonly store: LocalStore,
    private readonly need: () => Promise<(tag: string) => number> = async () => () => 1,
    private readonly readText?: ReadTextState,
  ) {
    this.#remembered = store.correctedExamples().then(
      (examples) => examples.forEach((example) => this.#memory.upsert(example)),
      // Without the store there is nothing to remember; recognition goes on.
      (error: unknown) => console.warn('Wanwu: no corrected photos to learn from', error),
    );
  }

  /** Object URL of the photo on the result screen. */
  get photoUrl(): string | null {
    return this.session?.url ?? null;
  }

  /** The result as shown: personal tags merged in, boxes in the shown image's pixels. */
  get result(): Recognition | null {
    return this.session?.recognition ?? null;
  }

  /** Why the current photo's feedback could not be kept, or null. */
  get storageError(): unknown {
    return this.session?.storageError ?? null;
  }

  /** The worker switched bundles (an update, or a rollback): its vocabulary names and suggests tags from now on. */
  useModels(models: LoadedModels): void {
    this.models = models;
    void this.#refreshTagIndex();
  }

  async load(): Promise<void> {
    this.status = 'loading';
    this.error = null;
    try {
      this.models = await this.client.load((progress) => (this.progress = progress));
      if (this.status === 'loading') this.status = 'ready';
      void this.#refreshTagIndex();
    } catch (error) {
      this.fail(error);
    } finally {
      this.progress = null;
    }
  }

  /** Recognises a photo and keeps it (downscaled, metadata gone) with the result, ready for feedback. */
  async recognize(photo: Blob): Promise<void> {
    const ticket = ++this.#latest;
    this.status = 'working';
    this.error = null;
    // Both read the file; preparing runs while the worker recognises. Its failure only costs the feedback.
    const preparing = preparePhoto(photo).then(
      (prepared) => ({ prepared }),
      (cause: unknown) => ({ error: new Error('The photo could not be prepared for keeping', { cause }) }),
    );
    try {
      const result = await this.client.recognize(await photo.arrayBuffer(), { minScore: MORE_MIN_SCORE });
      const kept = await preparing;
      const session = await this.#keep(photo, result, kept);
      if (ticket !== this.#latest) return session.dispose();
      this.#show(session);
      this.status = 'done';
      // After the tags, never before them; a failure shows in the text section only.
      if (this.readText?.readsByItself(result)) void session.text?.read();
    } catch (error) {
      if (ticket === this.#latest) this.fail(error);
    }
  }

  /** Shows a kept photo from history with its latest recognition and feedback; needs no network. */
  async open(photoId: string): Promise<void> {
    const ticket = ++this.#latest;
    this.status = 'working';
    this.error = null;
    try {
      const [photo, recognition, feedback] = await Promise.all([
        this.store.getPhoto(photoId),
        this.store.latestRecognition(photoId),
        this.store.photoFeedback(photoId),
      ]);
      if (!photo || !recognition) throw Object.assign(new Error(`Photo ${photoId} is not in the store`), { code: 'storage-unavailable' });
      if (ticket !== this.#latest) return;
      const { model, provider, tags, embedding, baseScores, timings } = recognition;
      const image = photo.image ?? photo.thumbnail;
      const text = await this.#text(photoId, photo.image, model);
      if (ticket !== this.#latest) return;
      this.#show(
        this.#session({
          url: image ? URL.createObjectURL(image) : '',
          recognition: { model, provider, width: photo.width, height: photo.height, tags, embedding, baseScores: baseScores ?? {}, timings },
          photoId,
          feedback,
          text,
        }),
      );
      this.status = 'done';
    } catch (error) {
      if (ticket === this.#latest) this.fail(error);
    }
  }

  /** Deletes a kept photo and all it taught the device. */
  async deletePhoto(photoId: string): Promise<void> {
    await this.store.deletePhoto(photoId);
    this.#memory.remove(photoId);
    if (this.session?.photoId === photoId) {
      this.#show(null);
      this.status = this.models ? 'ready' : 'loading';
    }
  }

  /** The models never loaded: the error offers to try again. */
  get canRetryLoad(): boolean {
    return this.status === 'error' && errorCode(this.error) === 'model-unavailable' && !this.models;
  }

  private fail(error: unknown): void {
    // The code decides what people read; the details are for whoever opens the console.
    console.warn('Wanwu:', error);
    this.#show(null);
    this.error = error;
    this.status = 'error';
  }

  /**
   * Merges the device's memory into the result, then keeps photo and result. When keeping fails
   * the result is still shown, over the original file, with the reason feedback cannot be kept.
   */
  async #keep(file: Blob, result: Recognition, kept: { prepared: PreparedPhoto } | { error: Error }): Promise<PhotoSession> {
    await this.#remembered;
    const prepared = 'prepared' in kept ? kept.prepared : null;
    const suggestion = result.embedding
      ? this.#memory.suggest(result.embedding, { exclude: prepared?.id })
      : { tags: [], suppressed: new Set<string>() };
    const tags = applyPersonal(result.tags, suggestion);
    try {
      if (!prepared) throw (kept as { error: Error }).error;
      // Boxes follow the kept image, which is what the result screen and history show.
      const shown = { ...result, tags: scaleBoxes(tags, prepared.width / result.width, prepared.height / result.height) };
      const photo = await this.store.savePhoto(prepared, shown);
      const feedback = await this.store.photoFeedback(photo.id);
      const question = await this.#question(tags, new Set([...suggestion.suppressed, ...feedback.verdicts.keys()]));
      const recognition = { ...shown, width: photo.width, height: photo.height };
      const text = await this.#text(photo.id, prepared.image, result.model);
      return this.#session({ url: URL.createObjectURL(prepared.image), recognition, photoId: photo.id, feedback, question, text });
    } catch (error) {
      console.warn('Wanwu: the photo could not be kept', error);
      const text = await this.#text(null, file, result.model);
      return this.#session({ url: URL.createObjectURL(file), recognition: { ...result, tags }, photoId: null, storageError: error, text });
    }
  }

  /** The quick question for a kept photo: tags the memory suppressed or the person judged on it (seen before) are not asked about. */
  async #question(tags: readonly Tag[], judged: ReadonlySet<string>): Promise<Tag | null> {
    const thresholds = new Map(this.models?.vocabulary.map((tag) => [tag.id, tag.threshold]));
    // Without it every tag is needed alike, and the photo alone decides.
    const need = await this.need().catch(() => () => 1);
    return chooseQuestion(tags, thresholds, judged, need);
  }

  #session(init: Omit<ConstructorParameters<typeof PhotoSession>[0], 'store' | 'names' | 'onchange'>): PhotoSession {
    return new PhotoSession({
      ...init,
      store: this.store,
      names: (tag) => this.#names(tag),
      onchange: (example) => {
        // The next photo benefits from this one's feedback at once.
        this.#memory.upsert(example);
        // A tag the person just made up is offered from now on.
        if (example.labels.some(({ tag }) => 'text' in tag && !this.tagIndex?.named(tag.text))) void this.#refreshTagIndex();
      },
    });
  }

  /** The photo's text section: an earlier reading of the same photo and its judgements come back with it. */
  async #text(photoId: string | null, image: Blob | null, model: string): Promise<TextSession | null> {
    if (!this.readText) return null;
    const [saved, feedback] = photoId
      ? await Promise.all([this.store.savedText(photoId), this.store.textFeedback(photoId)]).catch((error: unknown) => {
          // Without them the text can still be read again.
          console.warn('Wanwu: the saved text cannot be read', error);
          return [undefined, undefined];
        })
      : [undefined, undefined];
    return new TextSession({ photoId, image, model, saved, feedback, store: this.store, reader: this.readText });
  }

  #show(session: PhotoSession | null): void {
    this.session?.dispose();
    this.session = session;
  }

  #names(tag: TagRef): TagNames {
    if ('text' in tag) return { en: tag.text, zh: tag.text };
    const known = this.models?.vocabulary.find((candidate) => candidate.id === tag.id);
    return known ? { en: known.en, zh: known.zh } : { en: tag.id, zh: tag.id };
  }

  async #refreshTagIndex(): Promise<void> {
    if (!this.models) return;
    const userTags = await this.store.userTags().catch(() => []);
    this.tagIndex = createTagIndex(
      this.models.vocabulary,
      userTags.flatMap((tag) => ('text' in tag ? [tag.text] : [])),
    );
  }
}

function scaleBoxes(tags: readonly Tag[], sx: number, sy: number): Tag[] {
  return tags.map((tag) =>
    tag.boxes ? { ...tag, boxes: tag.boxes.map((box) => ({ ...box, x: box.x * sx, y: box.y * sy, w: box.w * sx, h: box.h * sy })) } : tag,
  );
}
