import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { DEFAULT_LIMITS, type ApiLimits } from '../server/api/limits.ts';
import { createApp } from '../server/app.ts';
import { createConsensusJob, type ConsensusJob } from '../server/consensus/job.ts';
import type { DeviceRegistration } from '../server/contract/sync.ts';
import type { BundleStore } from '../server/models/bundle-store.ts';
import { createModelRegistry, type ModelRegistry } from '../server/models/registry.ts';
import { hashToken, newToken } from '../server/security/tokens.ts';
import { createPhotoFiles } from '../server/storage/photo-files.ts';
import { openRepository } from '../server/storage/open-repository.ts';
import type { Repository } from '../server/storage/repository.ts';
import { createTrainingJob, type TrainingJob } from '../server/training/job.ts';
import { DEFAULT_NEW_TAG_POLICY } from '../server/training/tag-review.ts';
import type { NewTagPolicy } from '../server/contract/admin.ts';

/**
 * The real app in-process (`app.request`), on a real SQLite repository in a fresh temp folder (or
 * the PostgreSQL database given), with its log lines captured so tests can read what the server wrote.
 */
export interface TestApi {
  app: ReturnType<typeof createApp>;
  repository: Repository;
  consensus: ConsensusJob;
  registry: ModelRegistry;
  training: TrainingJob;
  dataDir: string;
  adminToken: string;
  /** Every JSON line the logger wrote. */
  logs: string[];
  register(): Promise<DeviceRegistration>;
  sync(token: string, events: readonly unknown[]): Promise<Response>;
  close(): Promise<void>;
}

export interface TestApiOptions {
  appDir?: string;
  /** The built bundle the registry starts from (default: none). */
  bundleDir?: string;
  bundles?: BundleStore;
  limits?: Partial<ApiLimits>;
  corsOrigins?: string[];
  /** How long after a sync consensus runs by itself. */
  aggregateDelayMs?: number;
  /** A PostgreSQL database (migrated here) instead of SQLite. */
  databaseUrl?: string;
  /** WANWU_TRUST_PROXY: client addresses from X-Forwarded-For. */
  trustProxy?: boolean;
  /** WANWU_NEW_TAGS (default: the server's default). */
  newTags?: NewTagPolicy;
}

export async function createTestApi(options: TestApiOptions = {}): Promise<TestApi> {
  const dataDir = await mkdtemp(join(tmpdir(), 'wanwu-api-'));
  const repository = await openRepository({ dataDir, databaseUrl: options.databaseUrl });
  const adminToken = newToken();
  const logs: string[] = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => logs.push(line) });
  const registry = createModelRegistry({ repository, builtBundleDir: options.bundleDir ?? join(dataDir, 'no-bundle'), dataDir });
  const bundles = options.bundles ?? registry;
  const consensus = createConsensusJob({ repository, bundles, logger, delayMs: options.aggregateDelayMs });
  const training = createTrainingJob({ repository, registry, logger, newTags: options.newTags ?? DEFAULT_NEW_TAG_POLICY });
  const app = createApp({
    appDir: options.appDir ?? join(dataDir, 'no-app'),
    bundles,
    registry,
    consensus,
    training,
    repository,
    photos: createPhotoFiles(dataDir),
    adminTokenHash: hashToken(adminToken),
    logger,
    limits: { ...DEFAULT_LIMITS, ...options.limits },
    corsOrigins: options.corsOrigins,
    trustProxy: options.trustProxy,
  });
  return {
    app,
    repository,
    consensus,
    registry,
    training,
    dataDir,
    adminToken,
    logs,
    async register() {
      const res = await app.request('/api/v1/devices', { method: 'POST' });
      if (res.status !== 201) throw new Error(`registration answered ${res.status}: ${await res.text()}`);
      return res.json();
    },
    async sync(token, events) {
      return app.request('/api/v1/sync', {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ events }),
      });
    },
    async close() {
      await Promise.all([consensus.stop(), training.stop()]);
      await repository.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
