import { describe, expect, it } from 'vitest';
import { DEFAULT_CROWD, simulateCrowd } from './simulate-crowd.ts';

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

  it('repeats exactly for a seed', () => {
    const options = { ...DEFAULT_CROWD, photos: 300, devices: 60, seed: 9 };
    const { ms: _first, ...first } = simulateCrowd(options);
    const { ms: _second, ...second } = simulateCrowd(options);
    expect(second).toEqual(first);
  });
});
