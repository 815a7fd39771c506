import { z } from 'zod';
import type { Manifest } from '../../models/pipeline/manifest.ts';
import type { WanwuDatabase } from '../store/schema.ts';

/**
 * Which model bundles this device has and which it runs, in IndexedDB (the `models` table and one
 * `settings` row), so that the worker starts on the active version offline and never retries one
 * that failed. Every change is one transaction: a reload never finds half a switch.
 */

export interface ModelChoice {
  /** The version recognitions run on; null before the first bundle is installed. */
  active: string | null;
  /** The version before it, kept (manifest and files) to fall back to. */
  previous: string | null;
  /** The active version has not completed a recognition yet: a failure rolls back to `previous`. */
  trial: boolean;
  /** Versions that failed to load or run, or were refused twice: never tried again. */
  failed: string[];
  /** Versions whose download did not match its hashes once: one more try is allowed. */
  refused: string[];
}

export interface Activation {
  previous: string | null;
  trial: boolean;
  /** A version to give up on in the same step (the one rolled back from). */
  failed?: string;
}

export interface InstalledModels {
  choice(): Promise<ModelChoice>;
  manifest(version: string): Promise<Manifest | null>;
  /** Installs and activates `manifest`; every installed version other than it and `previous` is forgotten. */
  activate(manifest: Manifest, activation: Activation): Promise<void>;
  /** The active version completed a recognition: it is no longer on trial. */
  prove(): Promise<void>;
  /** A download of `version` did not match its hashes; the second time it is given up for good. */
  refuse(version: string): Promise<void>;
  /** `version` failed to load: never tried again. */
  fail(version: string): Promise<void>;
}

const CHOICE_KEY = 'models';

const ChoiceSchema = z.object({
  active: z.string().nullable(),
  previous: z.string().nullable(),
  trial: z.boolean(),
  failed: z.array(z.string()),
  refused: z.array(z.string()),
});

const NOTHING: ModelChoice = { active: null, previous: null, trial: false, failed: [], refused: [] };

export function createInstalledModels(db: WanwuDatabase, now: () => number = Date.now): InstalledModels {
  async function choice(): Promise<ModelChoice> {
    const saved = ChoiceSchema.safeParse((await db.settings.get(CHOICE_KEY))?.value);
    return saved.success ? saved.data : NOTHING;
  }

  /** Read, change and write the choice in one transaction. */
  function update(change: (choice: ModelChoice) => ModelChoice): Promise<void> {
    return db.transaction('rw', db.settings, async () => {
      await db.settings.put({ key: CHOICE_KEY, value: change(await choice()) });
    });
  }

  return {
    choice,
    async manifest(version) {
      return (await db.models.get(version))?.manifest ?? null;
    },
    activate(manifest, { previous, trial, failed }) {
      return db.transaction('rw', db.models, db.settings, async () => {
        await db.models.put({ version: manifest.version, manifest, installedAt: now() });
        const keep = new Set([manifest.version, previous]);
        await db.models.filter((record) => !keep.has(record.version)).delete();
        await update((current) => ({
          ...current,
          active: manifest.version,
          previous,
          trial,
          failed: failed ? [...new Set([...current.failed, failed])] : current.failed,
        }));
      });
    },
    prove: () => update((current) => ({ ...current, trial: false })),
    refuse: (version) =>
      update((current) =>
        current.refused.includes(version)
          ? { ...current, failed: [...current.failed, version], refused: current.refused.filter((v) => v !== version) }
          : { ...current, refused: [...current.refused, version] },
      ),
    fail: (version) => update((current) => ({ ...current, failed: [...new Set([...current.failed, version])] })),
  };
}
