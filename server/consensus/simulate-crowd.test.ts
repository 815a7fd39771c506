import { describe, expect, it } from 'vitest';
import { DEFAULT_CROWD, DEFAULT_SWEEP, simulateCrowd, sweepCrowd } from './simulate-crowd.ts';

describe('simulateCrowd', () => {
  it('beats majority vote and quarantines the dishonest devices with 30 % adversaries and 10 % spammers', () => {
    const report = simulateCrowd({ ...DEFAULT_CROWD, seed: 4, adversarial: 0.3, spammers: 0.1 });
    expect(report.consensusAccuracy).toBeGreaterThanOrEqual(report.majorityAccuracy + 0.1);
    expect(report.attacked.consensusAccuracy).toBeGreaterThan(report.attacked.majorityAccuracy + 0.2);
    expect(report.dishonestQuarantined).toBeGreaterThanOrEqual(0.9);
    expect(report.honestQuarantined).toBeLessThanOrEqual(0.02);
    expect(report.kinds.colluder.quarantined).toBe(report.kinds.colluder.devices);
    expect(report.kinds.bot.quarantined).toBe(1);
    expect(report.brier).toBeLessThan(0.05);
  });

  it('never falls below majority vote nor quarantines honest devices while they are the majority, up to 45 % adversaries', () => {
    // The whole grid at a small size (100 devices, so one honest device is at most 2 % of them).
    const report = sweepCrowd({ ...DEFAULT_SWEEP, photos: 300, devices: 100, seeds: [1, 2] });
    expect(report.cells).toHaveLength(40);
    const honestMajority = report.cells.filter((cell) => cell.honestShare > 0.5);
    expect(honestMajority.map((cell) => [cell.adversarial, cell.spammers])).toContainEqual([0.45, 0]);
    for (const cell of honestMajority) {
      const where = `${cell.adversarial} adversarial, ${cell.spammers} spammers`;
      expect(cell.worst.consensusOverMajority, where).toBeGreaterThanOrEqual(0);
      expect(cell.worst.honestQuarantined, where).toBeLessThanOrEqual(0.02);
    }
  }, 60_000);

  it('repeats exactly for a seed', () => {
    const options = { ...DEFAULT_CROWD, photos: 300, devices: 60, seed: 9 };
    const { ms: _first, ...first } = simulateCrowd(options);
    const { ms: _second, ...second } = simulateCrowd(options);
    expect(second).toEqual(first);
  });
});
