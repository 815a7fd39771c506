import { messageOf, RecognitionError } from '../../models/pipeline/errors.ts';
import type { Manifest } from '../../models/pipeline/manifest.ts';
import type { RecognizeOptions } from '../../models/pipeline/recognize.ts';
import type { Recognition } from '../../models/pipeline/types.ts';
import type { InstalledModels } from './installed-models.ts';
import type { DownloadProgress } from './protocol.ts';

/**
 * Which bundle recognises, and moving between bundles: start on the installed one, update to the
 * server's in the background, switch only once the new one is built, and fall back to the
 * previous one when the new one fails to load or to run. Pure: downloading, building and storing
 * are injected (the worker passes the real ones, tests their own).
 */

/** A bundle's files, by path, verified against its manifest. */
export type BundleFiles = Record<string, Uint8Array>;

/** What recognises with one bundle (the worker's recognizer). */
export interface Runner {
  recognize(bytes: Uint8Array, options?: RecognizeOptions): Promise<Recognition>;
  release(): Promise<void>;
}

export interface ModelManagerDeps<R extends Runner> {
  installed: InstalledModels;
  /** The server's current manifest (the last one seen when offline); throws when there is none. */
  currentManifest(): Promise<Manifest>;
  /** The bundle's verified files: cached ones by sha256, the rest downloaded. Throws BundleRefusedError on a hash mismatch. */
  files(manifest: Manifest, onProgress: (progress: DownloadProgress) => void): Promise<BundleFiles>;
  start(manifest: Manifest, files: BundleFiles): Promise<R>;
  /** Drops cached files that none of these bundles use. */
  prune(keep: readonly Manifest[]): Promise<void>;
}

/** A downloaded file is not what the manifest says: the bundle is refused, nothing switches. */
export class BundleRefusedError extends RecognitionError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('model-unavailable', message, options);
  }
}

/** The active bundle changed: to a newer one, or back from one that failed. */
export interface ModelSwitch {
  kind: 'updated' | 'rolled-back';
  /** Updated: taught tags the new vocabulary has and the one before lacked. */
  learned: number;
  /** Rolled back: the version given up. */
  failed: string | null;
}

export type UpdateOutcome =
  | { outcome: 'current' }
  | { outcome: 'switched'; change: ModelSwitch }
  /** Failed before (to load, run or verify twice): not tried again. */
  | { outcome: 'skipped'; version: string }
  | { outcome: 'refused' | 'failed' | 'unreachable'; version: string | null; message: string };

export interface ActiveModel<R> {
  manifest: Manifest;
  runner: R;
  previous: string | null;
}

export interface ModelManager<R extends Runner> {
  start(onProgress: (progress: DownloadProgress) => void): Promise<ModelSwitch | null>;
  update(onProgress: (progress: DownloadProgress) => void): Promise<UpdateOutcome>;
  /** Recognises with the active bundle; a bundle on trial that fails is rolled back and the photo recognised again. */
  recognize(bytes: Uint8Array, options?: RecognizeOptions): Promise<{ recognition: Recognition; change: ModelSwitch | null }>;
  active(): ActiveModel<R>;
}

interface Active<R> extends ActiveModel<R> {
  trial: boolean;
}

const ignore = () => {};

export function createModelManager<R extends Runner>(deps: ModelManagerDeps<R>): ModelManager<R> {
  const { installed } = deps;
  let current: Active<R> | undefined;
  let updating: Promise<UpdateOutcome> | undefined;
  /** Switches and rollbacks run one at a time. */
  let switching: Promise<unknown> = Promise.resolve();

  function exclusive<T>(work: () => Promise<T>): Promise<T> {
    const result = switching.then(work);
    switching = result.catch(ignore);
    return result;
  }

  async function open(manifest: Manifest, onProgress: (progress: DownloadProgress) => void): Promise<R> {
    return deps.start(manifest, await deps.files(manifest, onProgress));
  }

  /** Gives `failed` up and makes the previous bundle active again; throws `cause` when there is none. */
  async function rollBack(failed: string, cause: unknown): Promise<ModelSwitch> {
    const { previous } = await installed.choice();
    const manifest = previous ? await installed.manifest(previous) : null;
    if (!manifest) throw cause;
    const runner = await open(manifest, ignore);
    await installed.activate(manifest, { previous: null, trial: false, failed });
    const from = current;
    current = { manifest, runner, previous: null, trial: false };
    void from?.runner.release();
    await deps.prune([manifest]);
    return { kind: 'rolled-back', learned: 0, failed };
  }

  async function startSaved(onProgress: (progress: DownloadProgress) => void): Promise<ModelSwitch | null | undefined> {
    const choice = await installed.choice();
    const manifest = choice.active ? await installed.manifest(choice.active) : null;
    if (!manifest) return undefined;
    try {
      current = { manifest, runner: await open(manifest, onProgress), previous: choice.previous, trial: choice.trial };
      return null;
    } catch (error) {
      if (!choice.trial || !isModelFailure(error)) throw error;
      return rollBack(manifest.version, error);
    }
  }

  /** The first start on this device: the server's bundle (or the one the service worker cached). */
  async function install(onProgress: (progress: DownloadProgress) => void): Promise<void> {
    const manifest = await deps.currentManifest();
    const runner = await open(manifest, onProgress);
    await installed.activate(manifest, { previous: null, trial: false });
    current = { manifest, runner, previous: null, trial: false };
    await deps.prune([manifest]);
  }

  async function update(onProgress: (progress: DownloadProgress) => void): Promise<UpdateOutcome> {
    const from = active();
    let manifest: Manifest;
    try {
      manifest = await deps.currentManifest();
    } catch (error) {
      return { outcome: 'unreachable', version: null, message: messageOf(error) };
    }
    const { version } = manifest;
    if (version === from.manifest.version) return { outcome: 'current' };
    if ((await installed.choice()).failed.includes(version)) return { outcome: 'skipped', version };
    let files: BundleFiles;
    try {
      files = await deps.files(manifest, onProgress);
    } catch (error) {
      if (!(error instanceof BundleRefusedError)) return { outcome: 'unreachable', version, message: messageOf(error) };
      await installed.refuse(version);
      return { outcome: 'refused', version, message: error.message };
    }
    let runner: R;
    try {
      // Built beside the active one, which keeps recognising meanwhile.
      runner = await deps.start(manifest, files);
    } catch (error) {
      await installed.fail(version);
      return { outcome: 'failed', version, message: messageOf(error) };
    }
    return exclusive(async () => {
      const old = active();
      await installed.activate(manifest, { previous: old.manifest.version, trial: true });
      current = { manifest, runner, previous: old.manifest.version, trial: true };
      // Recognitions already running on the old one finish first (release waits for them).
      void old.runner.release();
      await deps.prune([manifest, old.manifest]);
      return { outcome: 'switched', change: { kind: 'updated', learned: learnedTags(manifest, old.manifest), failed: null } };
    });
  }

  function active(): Active<R> {
    if (!current) throw new RecognitionError('model-unavailable', 'The models are not loaded yet');
    return current;
  }

  return {
    async start(onProgress) {
      const change = await startSaved(onProgress);
      if (change === undefined) await install(onProgress);
      return change ?? null;
    },
    update(onProgress) {
      updating ??= update(onProgress).finally(() => (updating = undefined));
      return updating;
    },
    async recognize(bytes, options) {
      // Captured now: a switch during this recognition leaves it on the bundle it started on.
      const used = active();
      try {
        const recognition = await used.runner.recognize(bytes, options);
        if (used.trial) {
          used.trial = false;
          await installed.prove();
        }
        return { recognition, change: null };
      } catch (error) {
        if (!used.trial || !isModelFailure(error)) throw error;
        const change = await exclusive(() => (current === used ? rollBack(used.manifest.version, error) : Promise.resolve(null)));
        return { recognition: await active().runner.recognize(bytes, options), change };
      }
    },
    active,
  };
}

/** Failures of the bundle itself, as opposed to a photo it cannot read. */
function isModelFailure(error: unknown): boolean {
  return error instanceof RecognitionError && (error.code === 'inference-failed' || error.code === 'model-unavailable');
}

/** Taught tags `next` has that `before` lacked: what the note tells people was learned. */
export function learnedTags(next: Manifest, before: Manifest): number {
  const known = new Set(before.tags.map((tag) => tag.id));
  return next.tags.filter((tag) => tag.taught && !known.has(tag.id)).length;
}
