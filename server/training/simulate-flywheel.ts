import { seededRandom } from '../seeded-random.ts';
import { recognizeBase } from './flywheel/base-recognition.ts';
import type { Scores } from './flywheel/evaluate.ts';
import { runSplit, type SplitReport } from './flywheel/run-split.ts';
import { readYoloDataset } from './yolo-dataset.ts';

/**
 * The flywheel simulation (README, "The proof"): the whole loop — recognition, feedback, sync,
 * consensus, training, gate, update — against the real server code in this process, on a YOLO
 * folder whose most frequent classes are hidden from the base models so that people must teach
 * them. Several random splits give mean ± sd.
 */

export interface FlywheelOptions {
  /** A YOLO-labelled folder (server/training/yolo-dataset.ts) with COCO class names. */
  data: string;
  /** The built bundle whose base models the phones run. */
  bundleDir: string;
  seed: number;
  /** Classes hidden from the base models (the most frequent ones of the training photos, "person" excepted). */
  hide: number;
  rounds: number;
  splits: number;
  devices: number;
  /** Share of devices that are adversaries. */
  adversarial: number;
  /** Fresh devices, beyond `devices`, that all push one invented tag (SYBIL_TAG) onto every photo. */
  sybil: number;
  /** Use only this many photos (a seeded sample), or all when absent. */
  photos?: number;
  onProgress?: (message: string) => void;
}

export const DEFAULT_FLYWHEEL = { seed: 1, hide: 10, rounds: 3, splits: 10, devices: 30, adversarial: 0, sybil: 0 } as const;

/** A metric over the splits: mean and sample standard deviation (0 for one split), null when no split had it. */
export interface Spread {
  mean: number | null;
  sd: number | null;
}

/** What a version is scored by (./flywheel/evaluate.ts), in the order reports list them. */
const METRICS = [
  'mAP', 'taughtMAP', 'precision', 'recall', 'microF1',
  'basePrecision', 'baseRecall', 'baseMicroF1', 'taughtPrecision', 'taughtRecall', 'taughtMicroF1',
] as const satisfies readonly (keyof Scores)[];
type Metric = (typeof METRICS)[number];

/** Each metric's mean over the splits, and in `sd` its standard deviation. */
export type SummaryScores = Record<Metric, number | null> & { sd: Record<Metric, number | null> };

export interface FlywheelReport {
  options: Omit<FlywheelOptions, 'onProgress'>;
  photos: number;
  base: SummaryScores;
  final: SummaryScores;
  upperBound: SummaryScores;
  /** Per round, over the splits; round 0 is the base model. */
  rounds: (SummaryScores & { round: number; published: number })[];
  splits: SplitReport[];
  /** Seconds spent on base recognition and on the whole run. */
  recognitionSeconds: number;
  seconds: number;
}

export async function simulateFlywheel(options: FlywheelOptions): Promise<FlywheelReport> {
  const [report] = await sweepFlywheel(options, [options.adversarial]);
  return report;
}

/**
 * The same run under each share of adversarial devices, with the same seeds and splits, the photos
 * recognised once (a third of a run's time): one report per share, `options.adversarial` ignored.
 */
export async function sweepFlywheel(options: FlywheelOptions, adversarial: readonly number[]): Promise<FlywheelReport[]> {
  const started = performance.now();
  const dataset = await readYoloDataset(options.data);
  const images = options.photos === undefined ? dataset.images : sample(dataset.images, options.photos, options.seed);
  options.onProgress?.(`recognising ${images.length} photos with the base models`);
  const base = await recognizeBase(images, options.bundleDir);
  const recognitionSeconds = (performance.now() - started) / 1000;
  const reports: FlywheelReport[] = [];
  for (const share of adversarial) {
    const shareStarted = performance.now();
    const splits: SplitReport[] = [];
    for (let s = 0; s < options.splits; s++) {
      splits.push(await runSplit(base.photos, dataset.names, { ...options, adversarial: share, seed: options.seed + s * 7919 }));
    }
    const { onProgress: _, ...shown } = options;
    reports.push({
      ...summariseSplits(splits, options.rounds),
      options: { ...shown, adversarial: share },
      photos: images.length,
      recognitionSeconds,
      seconds: recognitionSeconds + (performance.now() - shareStarted) / 1000,
    });
  }
  return reports;
}

function summariseSplits(splits: SplitReport[], rounds: number): Pick<FlywheelReport, 'base' | 'final' | 'upperBound' | 'rounds' | 'splits'> {
  const finalOf = (split: SplitReport) => split.rounds.at(-1)?.scores ?? split.base;
  return {
    base: summarise(splits.map((split) => split.base)),
    final: summarise(splits.map(finalOf)),
    upperBound: summarise(splits.map((split) => split.upperBound)),
    rounds: Array.from({ length: rounds + 1 }, (_, round) => ({
      round,
      published: round === 0 ? 0 : splits.filter((split) => split.rounds[round - 1].training.status === 'published').length,
      ...summarise(splits.map((split) => (round === 0 ? split.base : split.rounds[round - 1].scores))),
    })),
    splits,
  };
}

function summarise(scores: readonly (Scores | null)[]): SummaryScores {
  const spreads = METRICS.map((metric) => [metric, spread(scores.map((s) => s?.[metric] ?? null))] as const);
  return {
    ...(Object.fromEntries(spreads.map(([metric, { mean }]) => [metric, mean])) as Record<Metric, number | null>),
    sd: Object.fromEntries(spreads.map(([metric, { sd }]) => [metric, sd])) as Record<Metric, number | null>,
  };
}

export function spread(values: readonly (number | null)[]): Spread {
  const known = values.filter((value): value is number => value !== null);
  if (known.length === 0) return { mean: null, sd: null };
  const mean = known.reduce((sum, value) => sum + value, 0) / known.length;
  const variance = known.length < 2 ? 0 : known.reduce((sum, value) => sum + (value - mean) ** 2, 0) / (known.length - 1);
  return { mean, sd: Math.sqrt(variance) };
}

/** `n` images chosen by the seed, in their folder order. */
function sample<T>(items: readonly T[], n: number, seed: number): T[] {
  if (n >= items.length) return [...items];
  const random = seededRandom(seed);
  const keys = items.map((item) => ({ item, key: random.next() }));
  const chosen = new Set(keys.sort((a, b) => a.key - b.key).slice(0, n).map(({ item }) => item));
  return items.filter((item) => chosen.has(item));
}
