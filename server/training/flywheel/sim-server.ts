import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { parseManifest, type Manifest } from '../../../models/pipeline/manifest.ts';
import { appDepsFromEnv } from '../../app-deps.ts';
import { createApp, type AppDeps } from '../../app.ts';
import type { DeviceRegistration, SyncResponse } from '../../contract/sync.ts';
import type { FeedbackEvent } from '../../contract/feedback-event.ts';
import type { TrainingRun } from '../../contract/training.ts';
import { MAX_SYNC_EVENTS } from '../../contract/sync.ts';
import { newToken } from '../../security/tokens.ts';

/** Far above what the simulated devices do in a round: rate limits protect real servers, not this one. */
const GENEROUS_RATE = '1000000';
/** Consensus and training run when the simulation says so, never on a timer (a day, longer than any run). */
const NEVER_BY_ITSELF_S = '86400';

/** The real server in this process, on a fresh SQLite database and data folder, spoken to over `app.request`. */
export interface SimServer {
  readonly deps: AppDeps;
  register(): Promise<DeviceRegistration>;
  /** Sends events in batches the API takes; answers the last reply (it names the current model). */
  sync(token: string, events: readonly FeedbackEvent[]): Promise<SyncResponse>;
  /** `GET /api/v1/models/current` with the ETag the device holds: null when unchanged (304). */
  currentModel(etag: string | null): Promise<{ manifest: Manifest; etag: string } | null>;
  /** `GET /models/<version>/<file>`. */
  modelFile(version: string, path: string): Promise<Uint8Array>;
  /** A consensus run, as an admin or the schedule starts it. */
  aggregate(): Promise<void>;
  /** A training run, as `POST /api/v1/admin/training` starts it; resolves with the run as recorded at its end. */
  train(): Promise<TrainingRun>;
  close(): Promise<void>;
}

export async function startSimServer(bundleDir: string): Promise<SimServer> {
  const dataDir = await mkdtemp(join(tmpdir(), 'wanwu-flywheel-'));
  const adminToken = newToken();
  const env: NodeJS.ProcessEnv = {
    WANWU_DATA: dataDir,
    WANWU_BUNDLE_DIR: bundleDir,
    WANWU_APP_DIR: join(dataDir, 'no-app'),
    WANWU_ADMIN_TOKEN: adminToken,
    WANWU_AGGREGATE_DELAY: NEVER_BY_ITSELF_S,
    WANWU_TRAIN_MIN_LABELS: String(Number.MAX_SAFE_INTEGER),
    // What people can teach with no admin in the loop; an admin approving every tag learns the same.
    WANWU_NEW_TAGS: 'automatic',
    WANWU_SYNC_RATE: GENEROUS_RATE,
    WANWU_REGISTER_RATE: GENEROUS_RATE,
    WANWU_PHOTO_RATE: GENEROUS_RATE,
  };
  const deps = await appDepsFromEnv(env, pino({ level: 'silent' }), () => {});
  const app = createApp(deps);

  async function json<T>(res: Response, what: string, expected = 200): Promise<T> {
    if (res.status !== expected) throw new Error(`${what} answered ${res.status}: ${await res.text()}`);
    return (await res.json()) as T;
  }

  return {
    deps,
    async register() {
      return json<DeviceRegistration>(await app.request('/api/v1/devices', { method: 'POST' }), 'registration', 201);
    },
    async sync(token, events) {
      let reply: SyncResponse | null = null;
      for (let start = 0; start === 0 || start < events.length; start += MAX_SYNC_EVENTS) {
        const body = JSON.stringify({ events: events.slice(start, start + MAX_SYNC_EVENTS) });
        const headers = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };
        reply = await json<SyncResponse>(await app.request('/api/v1/sync', { method: 'POST', headers, body }), 'sync');
        if (reply.rejected.length > 0) throw new Error(`sync rejected ${reply.rejected.length} events, e.g. ${JSON.stringify(reply.rejected[0])}`);
      }
      return reply!;
    },
    async currentModel(etag) {
      const res = await app.request('/api/v1/models/current', { headers: etag ? { 'If-None-Match': etag } : {} });
      if (res.status === 304) return null;
      const manifest = parseManifest(await json<unknown>(res, 'models/current'));
      return { manifest, etag: res.headers.get('ETag') ?? '' };
    },
    async modelFile(version, path) {
      const res = await app.request(`/models/${version}/${path}`);
      if (res.status !== 200) throw new Error(`/models/${version}/${path} answered ${res.status}`);
      return new Uint8Array(await res.arrayBuffer());
    },
    async aggregate() {
      await deps.consensus.run();
    },
    async train() {
      return deps.training.start('api').finished;
    },
    async close() {
      await deps.training.stop();
      await deps.consensus.stop();
      await deps.repository.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
