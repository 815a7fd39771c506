import type { Logger } from 'pino';
import { corsOriginsFromEnv, limitsFromEnv } from './api/limits.ts';
import type { AppDeps } from './app.ts';
import { createBundleStore } from './models/bundle-store.ts';
import { serverPaths } from './paths.ts';
import { adminTokenHash } from './security/admin-token.ts';
import { openRepository } from './storage/open-repository.ts';
import { createPhotoFiles } from './storage/photo-files.ts';

/**
 * The server's parts as its environment configures them (WANWU_*, DATABASE_URL): the database
 * opened and migrated, the admin token settled. One wiring for `npm start` and the sync bench.
 * Rejects with a StorageError when the database cannot be used.
 */
export async function appDepsFromEnv(env: NodeJS.ProcessEnv, logger: Logger, announceAdminToken: (token: string) => void): Promise<AppDeps> {
  const { appDir, bundleDir, dataDir } = serverPaths(env);
  const repository = await openRepository({ dataDir, databaseUrl: env.DATABASE_URL || undefined });
  return {
    appDir,
    bundles: createBundleStore(bundleDir),
    repository,
    photos: createPhotoFiles(dataDir),
    adminTokenHash: await adminTokenHash(repository, env.WANWU_ADMIN_TOKEN, announceAdminToken),
    logger,
    limits: limitsFromEnv(env),
    corsOrigins: corsOriginsFromEnv(env),
  };
}
