import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Paths the tests read. Shared inputs (photos, labelled sets, the model mirror) come from the
 * environment as .ci/run sets it; for a developer checkout they default to ../shared beside the repo.
 */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const sharedDefault = resolve(repoRoot, '..', 'shared');

function sharedPath(variable: string, fallback: string): string {
  return resolve(process.env[variable] ?? resolve(sharedDefault, fallback));
}

export const dataDir = sharedPath('WANWU_DATA_DIR', 'data');
export const modelMirror = sharedPath('WANWU_MODEL_MIRROR', 'models');
export const labelsDir = sharedPath('WANWU_LABELS_DIR', 'labels');
export const photosDir = resolve(dataDir, 'photos');

/** The model bundle `npm run models` writes (git-ignored). */
export const bundleDir = resolve(repoRoot, 'models', 'dist', 'bundle');
/** The built PWA `vite build` writes (git-ignored). */
export const appDistDir = resolve(repoRoot, 'dist');

export function requirePath(path: string, what: string): string {
  if (!existsSync(path)) throw new Error(`${what} not found at ${path}; set the matching WANWU_* variable`);
  return path;
}
