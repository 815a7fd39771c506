import type { Logger } from 'pino';
import { corsOriginsFromEnv, limitsFromEnv } from './api/limits.ts';
import type { AppDeps } from './app.ts';
import { createConsensusJob, DEFAULT_AGGREGATE_DELAY_MS } from './consensus/job.ts';
import { createBundleStore } from './models/bundle-store.ts';
import { serverPaths } from './paths.ts';
import { adminTokenHash } from './security/admin-token.ts';
import { openRepository } from './storage/open-repository.ts';
import { createPhotoFiles } from './storage/photo-files.ts';

/**
 * The server's parts as its environment configures them (WANWU_*, DATABASE_URL): the database
 * opened and migrated, the admin token settled, consensus scheduled WANWU_AGGREGATE_DELAY seconds after syncs. One wiring for `npm start` and the sync bench.
 * Rejects with a StorageError when the database cannot be used.
 */
export async function appDepsFromEnv(env: NodeJS.ProcessEnv, logger: Logger, announceAdminToken: (token: string) => void): Promise<AppDeps> {
  const { appDir, bundleDir, dataDir } = serverPaths(env);
  const repository = await openRepository({ dataDir, databaseUrl: env.DATABASE_URL || undefined });
  const bundles = createBundleStore(bundleDir);
  const delay = Number(env.WANWU_AGGREGATE_DELAY);
  const delayMs = env.WANWU_AGGREGATE_DELAY && Number.isFinite(delay) && delay >= 0 ? delay * 1000 : DEFAULT_AGGREGATE_DELAY_MS;
  return {
    appDir,
    bundles,
    repository,
    consensus: createConsensusJob({ repository, bundles, logger, delayMs }),
    photos: createPhotoFiles(dataDir),
    adminTokenHash: await adminTokenHash(repository, env.WANWU_ADMIN_TOKEN, announceAdminToken),
    logger,
    limits: limitsFromEnv(env),
    corsOrigins: corsOriginsFromEnv(env),
  };
}
