import type { Logger } from 'pino';
import { corsOriginsFromEnv, limitsFromEnv } from './api/limits.ts';
import type { AppDeps } from './app.ts';
import { numberSetting, switchSetting } from './config-error.ts';
import { createConsensusJob, DEFAULT_AGGREGATE_DELAY_MS } from './consensus/job.ts';
import { createModelRegistry } from './models/registry.ts';
import { serverPaths } from './paths.ts';
import { createTrainingJob, trainingScheduleFromEnv } from './training/job.ts';
import { newTagPolicyFromEnv } from './training/tag-review.ts';
import { adminTokenHash, chosenAdminToken } from './security/admin-token.ts';
import { openRepository } from './storage/open-repository.ts';
import { createPhotoFiles } from './storage/photo-files.ts';

/**
 * The server's parts as its environment configures them (WANWU_*, DATABASE_URL): the database
 * opened and migrated, the admin token settled, consensus scheduled WANWU_AGGREGATE_DELAY seconds
 * after syncs. One wiring for `npm start` and the sync bench. Rejects with a ConfigError (a
 * StorageError when it is the database) when a setting cannot be used.
 */
export async function appDepsFromEnv(env: NodeJS.ProcessEnv, logger: Logger, announceAdminToken: (token: string) => void): Promise<AppDeps> {
  // Settings first: a typo stops the start before anything is created or announced.
  const { appDir, bundleDir, dataDir } = serverPaths(env);
  const delayMs = 1000 * numberSetting(env, 'WANWU_AGGREGATE_DELAY', DEFAULT_AGGREGATE_DELAY_MS / 1000, { min: 0, unit: 'seconds' });
  const schedule = trainingScheduleFromEnv(env);
  const newTags = newTagPolicyFromEnv(env);
  const limits = limitsFromEnv(env);
  const adminToken = chosenAdminToken(env.WANWU_ADMIN_TOKEN);
  const trustProxy = switchSetting(env, 'WANWU_TRUST_PROXY');
  const repository = await openRepository({ dataDir, databaseUrl: env.DATABASE_URL || undefined });
  // The registry is the bundle store: apps get the current version, built or published by training.
  const registry = createModelRegistry({ repository, builtBundleDir: bundleDir, dataDir });
  return {
    appDir,
    bundles: registry,
    registry,
    repository,
    consensus: createConsensusJob({ repository, bundles: registry, logger, delayMs }),
    training: createTrainingJob({ repository, registry, logger, newTags, ...schedule }),
    photos: createPhotoFiles(dataDir),
    adminTokenHash: await adminTokenHash(repository, adminToken, announceAdminToken),
    logger,
    limits,
    corsOrigins: corsOriginsFromEnv(env),
    trustProxy,
  };
}
