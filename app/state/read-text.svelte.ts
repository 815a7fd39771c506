import { getContext } from 'svelte';
import type { TextReading } from '../../models/pipeline/ocr/text-reader.ts';
import type { DownloadProgress, InferenceClient } from '../inference/client.ts';
import type { WanwuDatabase } from '../store/schema.ts';

/** The settings row of the "Read text" switch. */
const SETTING_KEY = 'read-text';

/**
 * Reading text in photos, app-wide: the person's switch (Settings; off by default, and when on
 * every new photo is read after its tags) and the one-time download of the OCR models, whose
 * progress every result screen shows.
 */
export class ReadTextState {
  enabled = $state(false);
  /** The OCR files' download, while it runs (the first reading on this device only). */
  progress = $state.raw<DownloadProgress | null>(null);
  /** The switch could not be saved (the store), or null. */
  error = $state<unknown>(null);

  constructor(
    private readonly client: Pick<InferenceClient, 'readText'>,
    private readonly db: WanwuDatabase,
  ) {
    db.settings.get(SETTING_KEY).then(
      (row) => (this.enabled = row?.value === true),
      (error: unknown) => console.warn('Wanwu: the read-text setting cannot be read', error),
    );
  }

  async setEnabled(on: boolean): Promise<void> {
    this.enabled = on;
    try {
      await this.db.settings.put({ key: SETTING_KEY, value: on });
      this.error = null;
    } catch (error) {
      console.warn('Wanwu: the read-text setting was not kept', error);
      this.error = error;
    }
  }

  /** Reads one image in the inference worker, loading the OCR models first if they are not yet. */
  async read(image: Blob): Promise<TextReading> {
    try {
      return await this.client.readText(await image.arrayBuffer(), (progress) => (this.progress = progress));
    } finally {
      this.progress = null;
    }
  }
}

const READ_TEXT_CONTEXT = Symbol('read-text');

/** Handed to `mount()` by main.ts beside the sync's context. */
export function readTextContext(state: ReadTextState): Map<symbol, ReadTextState> {
  return new Map([[READ_TEXT_CONTEXT, state]]);
}

/** The app's ReadTextState; undefined where none was mounted (a component rendered alone). */
export function readTextState(): ReadTextState | undefined {
  return getContext<ReadTextState | undefined>(READ_TEXT_CONTEXT);
}
