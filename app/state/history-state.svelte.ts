import { SvelteMap } from 'svelte/reactivity';
import type { HistoryItem, LocalStore } from '../store/local-store.ts';

/** Typing pauses this long before the search runs, so that each key does not query the store. */
const SEARCH_DEBOUNCE_MS = 250;

/**
 * The history screen's state: the ids of the matching photos (cheap, all of them) and the rows of
 * the window the list shows (loaded on demand, dropped when they scroll away, so that memory
 * stays flat however many photos there are).
 */
export class HistoryState {
  needsReview = $state(false);
  search = $state('');
  /** Matching photo ids, newest first; null until the first answer. */
  ids = $state<readonly string[] | null>(null);
  /** The loaded rows of the current window, by photo id. */
  readonly items = new SvelteMap<string, HistoryItem>();
  error = $state<unknown>(null);

  /** Bumped per query, so that a slow answer for an older query cannot replace a newer one. */
  #query = 0;
  #window: ReadonlySet<string> = new Set();
  #debounce: ReturnType<typeof setTimeout> | undefined;

  /** `deletePhoto` removes a photo everywhere the app keeps it (store and the device's memory). */
  constructor(
    private readonly store: LocalStore,
    private readonly deletePhoto: (photoId: string) => Promise<void>,
  ) {}

  get filtered(): boolean {
    return this.needsReview || this.search.trim() !== '';
  }

  async refresh(): Promise<void> {
    clearTimeout(this.#debounce);
    const ticket = ++this.#query;
    try {
      const search = this.search.trim();
      const ids = await this.store.historyIds({ needsReview: this.needsReview || undefined, search: search || undefined });
      if (ticket !== this.#query) return;
      this.ids = ids;
      this.error = null;
    } catch (error) {
      if (ticket === this.#query) this.fail(error);
    }
  }

  toggleNeedsReview(): Promise<void> {
    this.needsReview = !this.needsReview;
    return this.refresh();
  }

  /** The search text changed: query once typing pauses. */
  setSearch(text: string): void {
    this.search = text;
    clearTimeout(this.#debounce);
    this.#debounce = setTimeout(() => void this.refresh(), SEARCH_DEBOUNCE_MS);
  }

  /** The list shows these ids now: load the rows it lacks, forget the ones it no longer shows. */
  async show(ids: readonly string[]): Promise<void> {
    this.#window = new Set(ids);
    for (const id of this.items.keys()) if (!this.#window.has(id)) this.items.delete(id);
    const missing = ids.filter((id) => !this.items.has(id));
    if (missing.length === 0) return;
    try {
      const rows = await this.store.historyItems(missing);
      // The list may have scrolled on while the rows were read.
      for (const row of rows) if (this.#window.has(row.photo.id)) this.items.set(row.photo.id, row);
    } catch (error) {
      this.fail(error);
    }
  }

  async delete(id: string): Promise<void> {
    try {
      await this.deletePhoto(id);
      this.ids = this.ids?.filter((other) => other !== id) ?? null;
      this.items.delete(id);
    } catch (error) {
      this.fail(error);
    }
  }

  dispose(): void {
    clearTimeout(this.#debounce);
    this.#query++;
    this.items.clear();
  }

  private fail(error: unknown): void {
    // The code decides what people read; the details are for whoever opens the console.
    console.warn('Wanwu:', error);
    this.error = error;
  }
}
