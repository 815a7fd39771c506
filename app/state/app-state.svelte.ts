import type { Recognition } from '../../models/pipeline/types.ts';
import { errorCode } from '../errors/handle-error.ts';
import type { DownloadProgress, InferenceClient, LoadedModels } from '../inference/client.ts';

export type AppStatus = 'loading' | 'ready' | 'working' | 'done' | 'error';

/** Tags scoring at least this are asked for, so that the "more" list has something to offer. */
const MORE_MIN_SCORE = 0.1;

/** The app's state: model loading, the current photo and its result or error. */
export class AppState {
  status = $state<AppStatus>('loading');
  progress = $state<DownloadProgress | null>(null);
  models = $state<LoadedModels | null>(null);
  /** Object URL of the recognised photo, shown once its result is in. */
  photoUrl = $state<string | null>(null);
  result = $state<Recognition | null>(null);
  /** The failure being shown: the error as thrown, turned into words by handleError(). */
  error = $state<unknown>(null);
  /** A service worker controls the page: reloading without a network works. */
  offlineReady = $state(false);
  /** Bumped per photo, so that a slow answer for an older photo cannot replace a newer one. */
  #latest = 0;

  constructor(private readonly client: InferenceClient) {}

  async load(): Promise<void> {
    this.status = 'loading';
    this.error = null;
    try {
      this.models = await this.client.load((progress) => (this.progress = progress));
      if (this.status === 'loading') this.status = 'ready';
    } catch (error) {
      this.fail(error);
    } finally {
      this.progress = null;
    }
  }

  async recognize(photo: Blob): Promise<void> {
    const ticket = ++this.#latest;
    this.status = 'working';
    this.error = null;
    try {
      const result = await this.client.recognize(await photo.arrayBuffer(), { minScore: MORE_MIN_SCORE });
      if (ticket !== this.#latest) return;
      this.showPhoto(URL.createObjectURL(photo));
      this.result = result;
      this.status = 'done';
    } catch (error) {
      if (ticket === this.#latest) this.fail(error);
    }
  }

  /** The models never loaded: the error offers to try again. */
  get canRetryLoad(): boolean {
    return this.status === 'error' && errorCode(this.error) === 'model-unavailable' && !this.models;
  }

  private fail(error: unknown): void {
    // The code decides what people read; the details are for whoever opens the console.
    console.warn('Wanwu:', error);
    this.showPhoto(null);
    this.result = null;
    this.error = error;
    this.status = 'error';
  }

  private showPhoto(url: string | null): void {
    if (this.photoUrl) URL.revokeObjectURL(this.photoUrl);
    this.photoUrl = url;
  }
}
