import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { bundleDir, dataDir } from '../test/env.ts';

/**
 * `npm run bench -- inference [--runs N]` | `quality [--data DIR]` | `store [--runs N]` |
 * `sync [--seconds S] [--connections C]` | `aggregate` | `train` | `ocr [--runs N]`; each loads only its own runtimes.
 */
const USAGE = 'usage: npm run bench -- inference [--runs N] | quality [--data DIR] | store [--runs N] | sync [--seconds S] [--connections C] | aggregate | train | ocr [--runs N]';

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { data: { type: 'string' }, runs: { type: 'string' }, seconds: { type: 'string' }, connections: { type: 'string' } },
});

const benchmarks: Record<string, () => Promise<void>> = {
  inference: async () => (await import('./inference.ts')).runInference({ runs: positiveInteger(values.runs ?? '5') }),
  quality: async () => (await import('./quality.ts')).runQuality({ data: resolve(values.data ?? resolve(dataDir, 'coco-dev')), bundleDir }),
  store: async () => (await import('./store.ts')).runStore({ runs: positiveInteger(values.runs ?? '5') }),
  sync: async () =>
    (await import('./sync.ts')).runSync({
      seconds: positiveInteger(values.seconds ?? '10', '--seconds'),
      connections: positiveInteger(values.connections ?? '16', '--connections'),
    }),
  aggregate: async () => (await import('./aggregate.ts')).runAggregate(),
  train: async () => (await import('./train.ts')).runTrain(),
  ocr: async () => (await import('./ocr.ts')).runOcr({ runs: positiveInteger(values.runs ?? '3') }),
};

function positiveInteger(text: string, option = '--runs'): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${option} must be a whole number ≥ 1, not ${text}`);
  return value;
}

const name = positionals[0];
const benchmark = name ? benchmarks[name] : undefined;
if (!benchmark) {
  console.error(USAGE);
  process.exitCode = 2;
} else {
  await benchmark();
}
