import { parseArgs } from 'node:util';
import { DEFAULT_CROWD, simulateCrowd, type CrowdOptions, type CrowdReport } from '../consensus/simulate-crowd.ts';
import { UsageError, type Command } from './command.ts';

/** `wanwu simulate crowd`: the consensus engine against a synthetic crowd with known truth. */
export const simulate: Command = {
  summary: 'run the consensus engine on a simulated crowd (honest, careless, spamming, adversarial, colluding devices)',
  usage: 'crowd [--json] [--seed N] [--photos N] [--devices M] [--adversarial F] [--spammers F]',
  async run(args) {
    const { json, options } = parseOptions(args);
    const report = simulateCrowd(options);
    process.stdout.write(json ? `${JSON.stringify(report)}\n` : formatReport(report));
    return 0;
  },
};

function parseOptions(args: string[]): { json: boolean; options: CrowdOptions } {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: {
        json: { type: 'boolean', default: false },
        seed: { type: 'string' },
        photos: { type: 'string' },
        devices: { type: 'string' },
        adversarial: { type: 'string' },
        spammers: { type: 'string' },
      },
    });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const { values, positionals } = parsed;
  if (positionals.length !== 1 || positionals[0] !== 'crowd') throw new UsageError('the only simulation is "crowd"');
  const options: CrowdOptions = {
    seed: whole(values.seed, '--seed', DEFAULT_CROWD.seed, 0),
    photos: whole(values.photos, '--photos', DEFAULT_CROWD.photos, 1),
    devices: whole(values.devices, '--devices', DEFAULT_CROWD.devices, 10),
    adversarial: share(values.adversarial, '--adversarial', DEFAULT_CROWD.adversarial),
    spammers: share(values.spammers, '--spammers', DEFAULT_CROWD.spammers),
  };
  if (options.adversarial + options.spammers > 0.8) throw new UsageError('--adversarial and --spammers leave too few honest devices (their sum must be ≤ 0.8)');
  return { json: values.json, options };
}

function whole(raw: string | undefined, option: string, fallback: number, min: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isInteger(value) || value < min) throw new UsageError(`${option} must be a whole number ≥ ${min}, not "${raw}"`);
  return value;
}

function share(raw: string | undefined, option: string, fallback: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (raw.trim() === '' || !(value >= 0 && value <= 1)) throw new UsageError(`${option} must be a number from 0 to 1, not "${raw}"`);
  return value;
}

function formatReport(report: CrowdReport): string {
  const { options } = report;
  const pct = (value: number) => `${(value * 100).toFixed(1)} %`;
  const rows: [string, string, string][] = [
    ['', 'majority vote', 'consensus'],
    [`accuracy, all ${report.questions} questions`, pct(report.majorityAccuracy), pct(report.consensusAccuracy)],
    [`accuracy, ${report.attacked.questions} questions under attack`, pct(report.attacked.majorityAccuracy), pct(report.attacked.consensusAccuracy)],
  ];
  const width = Math.max(...rows.map((row) => row[0].length));
  const kinds = Object.entries(report.kinds).map(([kind, { devices, quarantined }]) => `  ${kind.padEnd(10)} ${String(quarantined).padStart(5)} of ${devices}`);
  const reasons = Object.entries(report.reasons).map(([reason, count]) => `${reason} ${count}`).join(', ');
  return [
    `simulated crowd: seed ${options.seed}, ${options.photos} photos, ${options.devices} devices (${pct(options.adversarial)} adversarial, ${pct(options.spammers)} spammers), ${report.votes} votes`,
    '',
    ...rows.map(([label, majority, consensus]) => `${label.padEnd(width)}  ${majority.padStart(13)}  ${consensus.padStart(10)}`),
    `${'Brier score of consensus'.padEnd(width)}  ${''.padStart(13)}  ${report.brier.toFixed(4).padStart(10)}`,
    '',
    `quarantined: ${pct(report.dishonestQuarantined)} of dishonest devices, ${pct(report.honestQuarantined)} of honest ones${reasons ? ` (${reasons})` : ''}`,
    ...kinds,
    '',
    `aggregation took ${Math.round(report.ms)} ms`,
    '',
  ].join('\n');
}
