import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { pino } from 'pino';
import { MANIFEST_FILE } from '../models/pipeline/manifest.ts';
import { appDepsFromEnv } from './app-deps.ts';
import { createApp } from './app.ts';
import { ConfigError, numberSetting } from './config-error.ts';
import { serverPaths } from './paths.ts';

/** `npm start`: one Node process serves the PWA, the model bundle and the API. */
const logger = pino({ level: process.env.LOG_LEVEL ?? 'info' });
const { appDir, bundleDir, dataDir } = serverPaths();

const { host, port, deps } = await configure().catch((error: unknown) => {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`Wanwu cannot start: ${error.message}\n`);
  process.exit(1);
});
const { repository, consensus, training } = deps;
const app = createApp(deps);
const server = serve({ fetch: app.fetch, hostname: host, port }, (info) => {
  const shown = info.family === 'IPv6' ? `[${info.address}]` : info.address;
  logger.info({ database: repository.kind, dataDir }, `Wanwu is running at http://${shown}:${info.port}`);
});
server.once('error', (error: NodeJS.ErrnoException) => {
  const why = error.code === 'EADDRINUSE' ? `port ${port} on ${host} is in use; set PORT to another` : error.message;
  process.stderr.write(`Wanwu cannot start: ${why}\n`);
  process.exit(1);
});

/** Every setting checked and the database opened before anything listens; a ConfigError says what to change. */
async function configure() {
  const host = process.env.HOST || '127.0.0.1';
  const port = numberSetting(process.env, 'PORT', 8787, { min: 0, max: 65535, integer: true, unit: 'a TCP port' });
  if (!existsSync(join(appDir, 'index.html'))) logger.warn(`no built app in ${appDir}; run \`npm run build\``);
  if (!existsSync(join(bundleDir, MANIFEST_FILE))) logger.warn(`no model bundle in ${bundleDir}; run \`npm run models\``);
  const deps = await appDepsFromEnv(process.env, logger, (token) => {
    // Printed straight to stdout, never through the logger, and only the once: afterwards only its hash exists.
    console.log(`\nWanwu admin token (shown only now; keep it, or set WANWU_ADMIN_TOKEN): ${token}\n`);
  });
  return { host, port, deps };
}

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
