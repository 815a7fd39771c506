import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { bundleDir, ocrDir } from '../test/env.ts';

/**
 * `npm run bench -- inference [--runs N]` | `quality --data DIR` | `store [--runs N]` |
 * `sync [--seconds S] [--connections C]` | `aggregate` | `train` | `ocr [--runs N] [--data DIR]`; each loads only its own runtimes.
 */
const USAGE = 'usage: npm run bench -- inference [--runs N] | quality --data DIR | store [--runs N] | sync [--seconds S] [--connections C] | aggregate | train | ocr [--runs N] [--data DIR]';

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { data: { type: 'string' }, runs: { type: 'string' }, seconds: { type: 'string' }, connections: { type: 'string' } },
});

const benchmarks: Record<string, () => Promise<void>> = {
  inference: async () => (await import('./inference.ts')).runInference({ runs: positiveInteger(values.runs ?? '5') }),
  quality: async () => (await import('./quality.ts')).runQuality({ data: resolve(required(values.data, '--data DIR (a YOLO folder, e.g. ../shared/data/coco-1k)')), bundleDir }),
  store: async () => (await import('./store.ts')).runStore({ runs: positiveInteger(values.runs ?? '5') }),
  sync: async () =>
    (await import('./sync.ts')).runSync({
      seconds: positiveInteger(values.seconds ?? '10', '--seconds'),
      connections: positiveInteger(values.connections ?? '16', '--connections'),
    }),
  aggregate: async () => (await import('./aggregate.ts')).runAggregate(),
  train: async () => (await import('./train.ts')).runTrain(),
  ocr: async () => (await import('./ocr.ts')).runOcr({ runs: positiveInteger(values.runs ?? '3'), ocrDir: resolve(values.data ?? ocrDir) }),
};

function required(value: string | undefined, what: string): string {
  if (value === undefined) throw new Error(`quality needs ${what}`);
  return value;
}

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
