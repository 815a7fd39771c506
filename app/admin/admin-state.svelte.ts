import type { AdminConsensus, AdminTaughtTags, PhotoConsensus } from '../../server/contract/admin.ts';
import type { AdminStats } from '../../server/contract/sync.ts';
import type { AdminTraining, ModelVersion } from '../../server/contract/training.ts';
import { createAdminApi, type AdminApi, type AdminErrorCode, type DeviceDecision, type Fetch, type TagReviewAction } from './admin-api.ts';

/** Where the admin token is kept: this tab's session only, never IndexedDB, never a log. */
export const ADMIN_TOKEN_KEY = 'wanwu-admin-token';

export type TokenStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

/** The dashboard's state: locked until a token the server accepts, then the consensus and the admin's actions. */
export class AdminState {
  /** The consensus as last read; null while locked. */
  data = $state.raw<AdminConsensus | null>(null);
  /** What the last request ran into; `unauthorized` while locked means the token was wrong. */
  error = $state<AdminErrorCode | null>(null);
  /** Training runs and progress, and the model versions, as last read; null until read. */
  training = $state.raw<AdminTraining | null>(null);
  models = $state.raw<ModelVersion[] | null>(null);
  /** Today's usage and the quotas, as last read; null until read. */
  stats = $state.raw<AdminStats | null>(null);
  /** The photo audit open in the panel; null while closed. */
  audit = $state.raw<PhotoConsensus | null>(null);
  /** The new taught tags waiting for the model, as last read; null until read. */
  taughtTags = $state.raw<AdminTaughtTags | null>(null);
  /** The action under way (`unlock`, `refresh`, `run`, `train`, `audit`, a device id, a model version or a tag key), for disabled buttons and spinners. */
  busy = $state<string | null>(null);
  #api: AdminApi | null = null;

  constructor(
    private readonly fetch: Fetch,
    private readonly storage: TokenStorage,
  ) {}

  get unlocked(): boolean {
    return this.data !== null;
  }

  /** A token kept from earlier in this tab unlocks without asking again. */
  async resume(): Promise<void> {
    const token = this.storage.getItem(ADMIN_TOKEN_KEY);
    if (token) await this.unlock(token);
  }

  /** Tries the token on the server; only a token it accepts is kept. */
  async unlock(token: string): Promise<void> {
    const api = createAdminApi(this.fetch, token.trim());
    await this.#run('unlock', async () => {
      const answer = await api.consensus();
      if (!answer.ok) {
        if (answer.code === 'unauthorized') this.storage.removeItem(ADMIN_TOKEN_KEY);
        return answer.code;
      }
      this.#api = api;
      this.storage.setItem(ADMIN_TOKEN_KEY, token.trim());
      this.data = answer.body;
      return this.#reloadBeside();
    });
  }

  lock(): void {
    this.storage.removeItem(ADMIN_TOKEN_KEY);
    this.#api = null;
    this.data = null;
    this.training = null;
    this.models = null;
    this.stats = null;
    this.audit = null;
    this.taughtTags = null;
    this.error = null;
  }

  refresh(): Promise<void> {
    return this.#run('refresh', () => this.#reload());
  }

  /** Runs consensus now and shows its result. */
  runNow(): Promise<void> {
    return this.#run('run', async () => {
      const run = await this.#api!.aggregate();
      return run.ok ? this.#reload() : run.code;
    });
  }

  /** Releases a quarantined device back into consensus, or bans it for good. */
  decide(deviceId: string, decision: DeviceDecision): Promise<void> {
    return this.#run(deviceId, async () => {
      const answer = await this.#api!.decide(deviceId, decision);
      return answer.ok ? this.#reload() : answer.code;
    });
  }

  /** Opens how consensus reached each tag of a photo. */
  openAudit(photoId: string): Promise<void> {
    return this.#run('audit', async () => {
      const answer = await this.#api!.photoConsensus(photoId);
      if (!answer.ok) return answer.code;
      this.audit = answer.body;
      return null;
    });
  }

  closeAudit(): void {
    this.audit = null;
  }

  /** Starts a training run; one already running is not an error: the panel shows it. */
  trainNow(): Promise<void> {
    return this.#run('train', async () => {
      const answer = await this.#api!.train();
      return answer.ok || answer.code === 'refused' ? this.#reloadTraining() : answer.code;
    });
  }

  /** Makes an earlier model version current again. */
  rollback(version: string): Promise<void> {
    return this.#run(version, async () => {
      const answer = await this.#api!.rollback(version);
      if (!answer.ok) return answer.code;
      this.models = answer.body;
      return null;
    });
  }

  /** Decides about a new taught tag; the queue is read again after, since a rename or merge moves its labels. */
  reviewTag(tagKey: string, action: TagReviewAction): Promise<void> {
    return this.#run(tagKey, async () => {
      const answer = await this.#api!.reviewTag(tagKey, action);
      return answer.ok ? this.#reloadTaughtTags() : answer.code;
    });
  }

  /** Reads training again while a run is in progress: a poll, so it never blocks the admin's actions. */
  async pollTraining(): Promise<void> {
    if (!this.#api) return;
    const code = await this.#reloadTraining();
    if (code === 'unauthorized') this.lock();
    else if (code) this.error = code;
  }

  photo(photoId: string) {
    return this.#api?.photo(photoId) ?? Promise.resolve({ ok: false, code: 'unauthorized' } as const);
  }

  async #reload(): Promise<AdminErrorCode | null> {
    const [answer, beside] = await Promise.all([this.#api!.consensus(), this.#reloadBeside()]);
    if (!answer.ok) return answer.code;
    this.data = answer.body;
    return beside;
  }

  /** What the dashboard shows beside consensus: today's usage, training and the model versions, the taught-tag queue. */
  async #reloadBeside(): Promise<AdminErrorCode | null> {
    const [stats, training, taught] = await Promise.all([this.#api!.stats(), this.#reloadTraining(), this.#reloadTaughtTags()]);
    if (!stats.ok) return stats.code;
    this.stats = stats.body;
    return training ?? taught;
  }

  /** Not part of training's poll: listing who taught each tag reads every event. */
  async #reloadTaughtTags(): Promise<AdminErrorCode | null> {
    const answer = await this.#api!.taughtTags();
    if (!answer.ok) return answer.code;
    this.taughtTags = answer.body;
    return null;
  }

  async #reloadTraining(): Promise<AdminErrorCode | null> {
    const [training, models] = await Promise.all([this.#api!.training(), this.#api!.models()]);
    if (!training.ok) return training.code;
    if (!models.ok) return models.code;
    this.training = training.body;
    this.models = models.body;
    return null;
  }

  /** One action at a time; a token refused later (changed on the server) locks the dashboard again. */
  async #run(busy: string, action: () => Promise<AdminErrorCode | null>): Promise<void> {
    if (this.busy) return;
    this.busy = busy;
    this.error = null;
    try {
      const code = await action();
      if (code === 'unauthorized' && this.data) this.lock();
      this.error = code;
    } finally {
      this.busy = null;
    }
  }
}
