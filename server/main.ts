import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { pino } from 'pino';
import { MANIFEST_FILE } from '../models/pipeline/manifest.ts';
import { appDepsFromEnv } from './app-deps.ts';
import { createApp } from './app.ts';
import { serverPaths } from './paths.ts';
import { StorageError } from './storage/open-repository.ts';

/** `npm start`: one Node process serves the PWA, the model bundle and the API. */
const host = process.env.HOST ?? '127.0.0.1';
const port = Number(process.env.PORT ?? 8787);
const { appDir, bundleDir, dataDir } = serverPaths();
const logger = pino({ level: process.env.LOG_LEVEL ?? 'info' });

if (!existsSync(join(appDir, 'index.html'))) logger.warn(`no built app in ${appDir}; run \`npm run build\``);
if (!existsSync(join(bundleDir, MANIFEST_FILE))) logger.warn(`no model bundle in ${bundleDir}; run \`npm run models\``);

const deps = await appDepsFromEnv(process.env, logger, (token) => {
  // Printed straight to stdout, never through the logger, and only the once: afterwards only its hash exists.
  console.log(`\nWanwu admin token (shown only now; keep it, or set WANWU_ADMIN_TOKEN): ${token}\n`);
}).catch((error: unknown) => {
  // Its message says what is wrong and what to change; a stack trace would only bury it.
  if (!(error instanceof StorageError)) throw error;
  logger.fatal(error.message);
  process.exit(1);
});
const { repository, consensus, training } = deps;
const app = createApp(deps);
const server = serve({ fetch: app.fetch, hostname: host, port }, (info) => {
  const shown = info.family === 'IPv6' ? `[${info.address}]` : info.address;
  logger.info({ database: repository.kind, dataDir }, `Wanwu is running at http://${shown}:${info.port}`);
});

function shutdown(signal: string): void {
  logger.info(`${signal}: shutting down`);
  // Open connections get a moment to finish; then the process goes regardless.
  setTimeout(() => process.exit(0), 5000).unref();
  server.close(() => {
    Promise.all([consensus.stop(), training.stop()]).then(() => repository.close()).then(() => process.exit(0), (error: unknown) => {
      logger.error({ err: error }, 'closing the database failed');
      process.exit(1);
    });
  });
}
process.once('SIGINT', shutdown);
process.once('SIGTERM', shutdown);
