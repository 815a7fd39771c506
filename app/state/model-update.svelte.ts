import { liveQuery, type Subscription } from 'dexie';
import type { DownloadProgress, InferenceClient, LoadedModels, ModelChange } from '../inference/client.ts';
import type { WanwuDatabase } from '../store/schema.ts';
import { serverModel } from '../sync/server-model.ts';
import { appContext } from './app-context.ts';

/**
 * The model bundle as people see it change: which version runs and which is kept, a background
 * download's progress, and the note shown once after a switch. Updates are looked for at start
 * (the server's manifest) and whenever a sync names another version.
 */
export class ModelUpdateState {
  models = $state.raw<LoadedModels | null>(null);
  /** The background download, while one runs. */
  progress = $state.raw<DownloadProgress | null>(null);
  /** The last switch, until dismissed. */
  note = $state.raw<ModelChange | null>(null);
  #checking: Promise<void> | undefined;
  #watch: Subscription | undefined;

  constructor(
    private readonly client: InferenceClient,
    private readonly db: WanwuDatabase,
  ) {}

  /** The models are loaded: look for a newer bundle now and after every sync that names one. */
  start(models: LoadedModels): void {
    this.models = models;
    void this.check();
    this.#watch ??= liveQuery(() => serverModel(this.db)).subscribe({
      next: (version) => {
        if (version !== null && version !== this.models?.version) void this.check();
      },
      error: (error: unknown) => console.warn('Wanwu: the server model version cannot be read', error),
    });
  }

  /** The worker switched bundles (an update, or a rollback from one that failed). */
  changed(change: ModelChange): void {
    this.models = change.models;
    this.note = change;
  }

  /** One check at a time; a failed one is only logged: the current bundle keeps working. */
  check(): Promise<void> {
    this.#checking ??= this.client
      .update((progress) => (this.progress = progress))
      .then(
        (outcome) => {
          if (outcome.outcome !== 'current' && outcome.outcome !== 'switched') console.warn('Wanwu: model update', outcome);
        },
        (error: unknown) => console.warn('Wanwu: model update failed', error),
      )
      .finally(() => {
        this.progress = null;
        this.#checking = undefined;
      });
    return this.#checking;
  }

  dismiss(): void {
    this.note = null;
  }
}

export const modelUpdateContext = appContext<ModelUpdateState>('model-update');
