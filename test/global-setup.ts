import { resolve } from 'node:path';
import { buildBundle } from '../models/build/build.ts';
import { bundleDir, modelMirror, repoRoot } from './env.ts';

/** Tests run against the real model bundle: build it when missing or stale (fast when fresh). */
export default async function setup(): Promise<void> {
  await buildBundle({
    outDir: bundleDir,
    cacheDir: resolve(repoRoot, 'models', 'dist', 'cache'),
    mirror: modelMirror,
    log: (line) => console.log(line),
  });
}
