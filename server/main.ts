import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { MANIFEST_FILE } from '../models/pipeline/manifest.ts';
import { createApp } from './app.ts';
import { createBundleStore } from './models/bundle-store.ts';
import { serverPaths } from './paths.ts';

/** `npm start`: one Node process serves the PWA, the model bundle and the API. */
const host = process.env.HOST ?? '127.0.0.1';
const port = Number(process.env.PORT ?? 8787);
const { appDir, bundleDir } = serverPaths();

if (!existsSync(join(appDir, 'index.html'))) console.warn(`wanwu: no built app in ${appDir}; run \`npm run build\``);
if (!existsSync(join(bundleDir, MANIFEST_FILE))) console.warn(`wanwu: no model bundle in ${bundleDir}; run \`npm run models\``);

const app = createApp({ appDir, bundles: createBundleStore(bundleDir) });
const server = serve({ fetch: app.fetch, hostname: host, port }, (info) => {
  const shown = info.family === 'IPv6' ? `[${info.address}]` : info.address;
  console.log(`Wanwu is running at http://${shown}:${info.port}`);
});

function shutdown(signal: string): void {
  console.log(`wanwu: ${signal}, shutting down`);
  // Open connections get a moment to finish; then the process goes regardless.
  setTimeout(() => process.exit(0), 5000).unref();
  server.close(() => process.exit(0));
}
process.once('SIGINT', shutdown);
process.once('SIGTERM', shutdown);
