import { loadavg } from 'node:os';
import { evaluateScores } from '../server/training/metrics.ts';
import { scoreRows } from '../server/training/linear-kernels.ts';
import { syntheticSet } from '../server/training/synthetic-set.ts';
import { trainHead, TRAIN_BATCH } from '../server/training/train-head.ts';
import { fixed, formatTable, writeResult } from './report.ts';

/**
 * `npm run bench -- train`: the head's training (./server/training/train-head.ts) on synthetic
 * Gaussian clusters of 960-d embeddings: 10k / 50k / 200k photos × 200 tags, and 50k with 50 and
 * 400 tags. Time, time per epoch, peak RSS of this process, and held-out mAP as a sanity check;
 * the load average is printed since the machine may be shared.
 */
const DIMS = 960;
// Smallest first: peak RSS is the process's so far, so each row's is its own case's.
const CASES = [
  { samples: 10_000, tags: 200 },
  { samples: 50_000, tags: 50 },
  { samples: 50_000, tags: 200 },
  { samples: 50_000, tags: 400 },
  { samples: 200_000, tags: 200 },
];
const TARGET_S = { samples: 50_000, tags: 200, seconds: 60 };

export async function runTrain(): Promise<void> {
  const results = [];
  for (const { samples, tags } of CASES) {
    const set = syntheticSet({ samples, dims: DIMS, tags, separation: 5 });
    const train = set.split.flatMap((split, row) => (split === 'train' ? [row] : []));
    const heldOut = set.split.flatMap((split, row) => (split === 'heldOut' ? [row] : []));
    const start = performance.now();
    let steps = 0;
    const head = await trainHead(set, train, { onProgress: (_, total) => (steps = total) });
    const seconds = (performance.now() - start) / 1000;
    const epochs = (steps * Math.min(TRAIN_BATCH, train.length)) / train.length;
    const metrics = evaluateScores(set, heldOut, await scoreRows(head, set.x, heldOut), new Map());
    const result = { samples, trainSamples: train.length, dims: DIMS, tags, steps, epochs, seconds, secondsPerEpoch: seconds / epochs, peakRssMiB: process.resourceUsage().maxRSS / 1024, heldOutMAP: metrics.mAP };
    process.stdout.write(`${samples} × ${tags}: ${fixed(seconds, 1)} s (load average ${fixed(loadavg()[0], 1)})\n`);
    results.push(result);
  }
  const rows = results.map((r) => [String(r.samples), String(r.trainSamples), String(r.tags), fixed(r.epochs, 1), fixed(r.seconds, 1), fixed(r.secondsPerEpoch, 2), fixed(r.peakRssMiB, 0), fixed(r.heldOutMAP)]);
  process.stdout.write(`${formatTable(['photos', 'train photos', 'tags', 'epochs', 's', 's/epoch', 'peak RSS MiB', 'held-out mAP'], rows)}\n`);
  const path = await writeResult('train', { dims: DIMS, target: TARGET_S, results, node: process.version });
  process.stdout.write(`written to ${path}\n`);
}
