import { aggregate, ConsensusEngine } from '../server/consensus/aggregate.ts';
import { DEFAULT_CROWD, generateCrowd } from '../server/consensus/simulate-crowd.ts';
import { fixed, formatTable, writeResult } from './report.ts';

/**
 * `npm run bench -- aggregate`: the consensus engine on a simulated crowd of 1,000,000 votes
 * (100,000 photos, 10,000 devices, the default mix of careful, careless, spamming, adversarial and
 * colluding devices), in one process on one core: a full run, then 10,000 new votes taken in by an
 * engine that already holds the other 990,000.
 */
const CROWD = { ...DEFAULT_CROWD, photos: 100_000, devices: 10_000, questionsPerPhoto: 2, votersPerQuestion: 5 };
const INCREMENT = 10_000;
const TARGET_MS = { full: 10_000, incremental: 1_000 } as const;

export async function runAggregate(): Promise<void> {
  const crowd = generateCrowd(CROWD);
  const votes = crowd.votes.slice(0, 1_000_000);
  process.stdout.write(`${votes.length} votes, ${CROWD.photos} photos, ${CROWD.devices} devices\n`);

  const full = aggregate(votes, crowd.scores);
  const engine = new ConsensusEngine();
  const before = engine.add(votes.slice(0, votes.length - INCREMENT), crowd.scores);
  const incremental = engine.add(votes.slice(votes.length - INCREMENT));
  const quarantined = (result: typeof full) => result.devices.filter((device) => device.quarantine).length;

  const rows = [
    ['full run', String(votes.length), fixed(full.ms, 0), String(full.iterations), String(quarantined(full)), fixed(TARGET_MS.full, 0)],
    ['engine, first 990,000', String(votes.length - INCREMENT), fixed(before.ms, 0), String(before.iterations), String(quarantined(before)), '—'],
    ['incremental', String(INCREMENT), fixed(incremental.ms, 0), String(incremental.iterations), String(quarantined(incremental)), fixed(TARGET_MS.incremental, 0)],
  ];
  process.stdout.write(`${formatTable(['run', 'votes', 'ms', 'EM sweeps', 'quarantined', 'target ms'], rows)}\n`);
  const path = await writeResult('aggregate', {
    crowd: CROWD,
    votes: votes.length,
    items: full.items.length,
    full: { ms: full.ms, iterations: full.iterations, quarantined: quarantined(full) },
    incremental: { votes: INCREMENT, ms: incremental.ms, iterations: incremental.iterations, quarantined: quarantined(incremental) },
    targetMs: TARGET_MS,
    node: process.version,
  });
  process.stdout.write(`written to ${path}\n`);
}
