import type { TextReading } from '../../models/pipeline/ocr/text-reader.ts';
import { looksTextHeavy } from '../../models/pipeline/text-heavy.ts';
import type { Recognition } from '../../models/pipeline/types.ts';
import type { DownloadProgress, InferenceClient } from '../inference/client.ts';
import type { WanwuDatabase } from '../store/schema.ts';
import { appContext } from './app-context.ts';

/** The two switches, each kept in its settings row, and where a device that never set one stands. */
const SWITCHES = {
  /** "Read text": every new photo. */
  enabled: { key: 'read-text', fallback: false },
  /** "Read text when a photo seems to have some" (models/pipeline/text-heavy.ts). */
  whenTextHeavy: { key: 'read-text-when-text-heavy', fallback: true },
} as const;

export type ReadTextSwitch = keyof typeof SWITCHES;

/**
 * Reading text in photos, app-wide: the person's switches (Settings) and the one-time download of
 * the OCR models, whose progress every result screen shows. A new photo is read after its tags
 * when "read every photo" is on (off by default), or when it looks text-heavy and that switch is
 * on (on by default: the download then comes when a photo needs it, not on every photo).
 */
export class ReadTextState {
  enabled = $state<boolean>(SWITCHES.enabled.fallback);
  whenTextHeavy = $state<boolean>(SWITCHES.whenTextHeavy.fallback);
  /** The OCR files' download, while it runs (the first reading on this device only). */
  progress = $state.raw<DownloadProgress | null>(null);
  /** A switch could not be saved (the store), or null. */
  error = $state<unknown>(null);

  constructor(
    private readonly client: Pick<InferenceClient, 'readText'>,
    private readonly db: WanwuDatabase,
  ) {
    for (const name of Object.keys(SWITCHES) as ReadTextSwitch[]) {
      const { key, fallback } = SWITCHES[name];
      db.settings.get(key).then(
        (row) => (this[name] = typeof row?.value === 'boolean' ? row.value : fallback),
        (error: unknown) => console.warn(`Wanwu: the ${key} setting cannot be read`, error),
      );
    }
  }

  async set(name: ReadTextSwitch, on: boolean): Promise<void> {
    this[name] = on;
    try {
      await this.db.settings.put({ key: SWITCHES[name].key, value: on });
      this.error = null;
    } catch (error) {
      console.warn(`Wanwu: the ${SWITCHES[name].key} setting was not kept`, error);
      this.error = error;
    }
  }

  /** Whether a new photo's text is read by itself, judged from its base recognition. */
  readsByItself(recognition: Pick<Recognition, 'tags' | 'width' | 'height'>): boolean {
    return this.enabled || (this.whenTextHeavy && looksTextHeavy(recognition));
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

export const readTextContext = appContext<ReadTextState>('read-text');
