import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { pino } from 'pino';
import { limitsFromEnv } from '../../server/api/limits.ts';
import { createApp, type AppDeps } from '../../server/app.ts';
import { createBundleStore } from '../../server/models/bundle-store.ts';
import { serverPaths } from '../../server/paths.ts';
import { hashToken } from '../../server/security/tokens.ts';
import { openRepository } from '../../server/storage/open-repository.ts';
import type { Repository } from '../../server/storage/repository.ts';
import { createPhotoFiles } from '../../server/storage/photo-files.ts';

/**
 * The sync bench's server, wired as server/main.ts wires it, with a twin app under `/bench/noop`:
 * the same routes, authentication, parsing and validation on the same repository, except that
 * sync stores nothing. Comparing the two routes gives the cost of storing.
 */
const { appDir, bundleDir, dataDir } = serverPaths();
const adminToken = process.env.WANWU_ADMIN_TOKEN;
if (!adminToken) throw new Error('WANWU_ADMIN_TOKEN must be set for the bench server');
const repository = await openRepository({ dataDir, databaseUrl: process.env.DATABASE_URL || undefined });

const deps: AppDeps = {
  appDir,
  bundles: createBundleStore(bundleDir),
  repository,
  photos: createPhotoFiles(dataDir),
  adminTokenHash: hashToken(adminToken),
  logger: pino({ level: process.env.LOG_LEVEL ?? 'info' }),
  limits: limitsFromEnv(process.env),
};

/** The repository with event storage left out: every valid event is acknowledged, none is written. */
function withoutStoringEvents(real: Repository): Repository {
  return { ...real, storeEvents: async (_deviceId, events) => ({ accepted: events.map((event) => event.id), duplicates: [], conflicts: [] }) };
}

const app = new Hono()
  .route('/bench/noop', createApp({ ...deps, repository: withoutStoringEvents(repository) }))
  .route('/', createApp(deps));
serve({ fetch: app.fetch, hostname: process.env.HOST ?? '127.0.0.1', port: Number(process.env.PORT) });
