import { describe, expect, it } from 'vitest';
import { bundleDir, cocoMiniDir } from '../../test/env.ts';
import { simulateFlywheel } from './simulate-flywheel.ts';

describe('simulateFlywheel', () => {
  it('teaches the hidden classes through feedback, and the published head beats the base model on held-out photos', async () => {
    const report = await simulateFlywheel({
      data: cocoMiniDir,
      bundleDir,
      seed: 1, hide: 3, rounds: 2, splits: 1, devices: 12, adversarial: 0, sybil: 0,
    });
    const [split] = report.splits;
    expect(split.hidden).toHaveLength(3);
    // Hidden means hidden: the base model cannot rank a hidden class at all.
    expect(report.base.taughtMAP).toBe(0);
    expect(split.rounds.map((round) => round.training.status)).toContain('published');
    // Devices downloaded the published version: the final evaluation runs on it, not on the built bundle.
    expect(split.rounds.at(-1)!.version).not.toBe(split.baseVersion);
    expect(report.final.mAP!).toBeGreaterThan(report.base.mAP!);
    expect(report.final.taughtMAP!).toBeGreaterThan(0);
    expect(report.rounds.map((round) => round.round)).toEqual([0, 1, 2]);
    // Shown tags are scored by precision and recall too, in every summary, with their F1.
    const { precision, recall, microF1 } = split.rounds.at(-1)!.scores;
    expect(precision).toBeGreaterThan(0);
    expect(recall).toBeGreaterThan(0);
    expect(microF1).toBeCloseTo((2 * precision * recall) / (precision + recall), 9);
    for (const summary of [report.base, report.final, report.upperBound]) expect(summary.sd).toHaveProperty('recall');
    expect(report.final.precision).toBe(precision);
    // And apart for the classes the base model knows and those people taught: the base model shows no hidden class.
    expect(report.base.taughtRecall).toBe(0);
    expect(report.final.taughtRecall!).toBeGreaterThan(0);
    expect(report.final.baseMicroF1!).toBeGreaterThan(0);
  }, 180_000);

  it('never publishes the tag a group of fresh devices floods onto every photo', async () => {
    const report = await simulateFlywheel({
      data: cocoMiniDir, bundleDir, seed: 1, hide: 3, rounds: 2, splits: 1, devices: 12, adversarial: 0, sybil: 8,
    });
    const [split] = report.splits;
    expect(split.devices.sybil.devices).toBe(8);
    expect(split.rounds.map((round) => round.sybilTagPublished)).toEqual([false, false]);
  }, 180_000);
});
