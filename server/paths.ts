import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Where the server and the CLI find the built PWA and the model bundle; env overrides for tests. */
export function serverPaths(env: NodeJS.ProcessEnv = process.env): { appDir: string; bundleDir: string } {
  return {
    appDir: resolve(env.WANWU_APP_DIR ?? resolve(repoRoot, 'dist')),
    bundleDir: resolve(env.WANWU_BUNDLE_DIR ?? resolve(repoRoot, 'models', 'dist', 'bundle')),
  };
}
