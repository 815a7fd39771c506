import type { TestProject } from 'vitest/node';
import { buildBundle } from '../models/build/build.ts';
import { bundleDir } from './env.ts';
import { startTestPostgres } from './postgres.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A PostgreSQL server the tests may create databases on (test/postgres.ts). */
    postgresUrl: string;
  }
}

/**
 * Tests run against the real model bundle (built when missing or stale, fast when fresh) and a
 * throwaway PostgreSQL, both prepared at once.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const [postgres, bundle] = await Promise.allSettled([
    startTestPostgres(),
    buildBundle({ outDir: bundleDir, log: (line) => console.log(line) }),
  ]);
  if (bundle.status === 'rejected') {
    if (postgres.status === 'fulfilled') await postgres.value.stop();
    throw bundle.reason;
  }
  if (postgres.status === 'rejected') throw postgres.reason;
  project.provide('postgresUrl', postgres.value.url);
  return () => postgres.value.stop();
}
