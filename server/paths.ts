import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export interface ServerPaths {
  /** The built PWA. */
  appDir: string;
  /** The model bundle apps download. */
  bundleDir: string;
  /** What the server keeps: the SQLite database (unless DATABASE_URL is set) and uploaded photos. */
  dataDir: string;
}

/** Where the server and the CLI find their files; env overrides (WANWU_DATA for the data folder). */
export function serverPaths(env: NodeJS.ProcessEnv = process.env): ServerPaths {
  return {
    appDir: resolve(env.WANWU_APP_DIR ?? resolve(repoRoot, 'dist')),
    bundleDir: resolve(env.WANWU_BUNDLE_DIR ?? resolve(repoRoot, 'models', 'dist', 'bundle')),
    dataDir: resolve(env.WANWU_DATA ?? resolve(repoRoot, 'data')),
  };
}
