import { DEFAULT_CROWD, simulateCrowd, type CrowdOptions, type CrowdReport } from '../consensus/simulate-crowd.ts';
import { serverPaths } from '../paths.ts';
import { formatFlywheelReport } from '../training/flywheel/report-table.ts';
import { DEFAULT_FLYWHEEL, simulateFlywheel, type FlywheelOptions } from '../training/simulate-flywheel.ts';
import { DatasetError } from '../training/yolo-dataset.ts';
import { parseCommandArgs, UsageError, type Command } from './command.ts';

/**
 * `wanwu simulate crowd`: the consensus engine against a synthetic crowd with known truth.
 * `wanwu simulate flywheel`: the whole loop (feedback → consensus → training → gate → update) against the real server code.
 */
export const simulate: Command = {
  summary: 'simulate a crowd against the consensus engine, or the whole feedback → training → update loop (flywheel)',
  usage: [
    'crowd [--json] [--seed N] [--photos N] [--devices M] [--adversarial F] [--spammers F]',
    '       wanwu simulate flywheel --data YOLO_DIR [--json] [--seed N] [--hide K] [--rounds R] [--splits S] [--adversarial F] [--devices M] [--photos N] [--bundle DIR]',
  ].join('\n'),
  async run(args) {
    const [name, ...rest] = args;
    if (name === 'crowd') {
      const { json, options } = parseCrowdOptions(rest);
      const report = simulateCrowd(options);
      process.stdout.write(json ? `${JSON.stringify(report)}\n` : formatReport(report));
      return 0;
    }
    if (name === 'flywheel') {
      const { json, options } = parseFlywheelOptions(rest);
      let report;
      try {
        report = await simulateFlywheel({ ...options, onProgress: (message) => process.stderr.write(`${message}\n`) });
      } catch (error) {
        if (!(error instanceof DatasetError)) throw error;
        process.stderr.write(`wanwu simulate: ${error.message}\n`);
        return 1;
      }
      process.stdout.write(json ? `${JSON.stringify(report)}\n` : formatFlywheelReport(report));
      return 0;
    }
    throw new UsageError('the simulations are "crowd" and "flywheel"');
  },
};

function parseFlywheelOptions(args: string[]): { json: boolean; options: FlywheelOptions } {
  const { values } = parseCommandArgs({
    args,
    options: {
      data: { type: 'string' },
      bundle: { type: 'string' },
      json: { type: 'boolean', default: false },
      seed: { type: 'string' },
      hide: { type: 'string' },
      rounds: { type: 'string' },
      splits: { type: 'string' },
      adversarial: { type: 'string' },
      devices: { type: 'string' },
      photos: { type: 'string' },
    },
  });
  if (!values.data) throw new UsageError('--data YOLO_DIR is required (a folder with images/, labels/ and names.txt)');
  const adversarial = share(values.adversarial, '--adversarial', DEFAULT_FLYWHEEL.adversarial);
  if (adversarial > 0.5) throw new UsageError('--adversarial must leave honest devices the majority (≤ 0.5)');
  const options: FlywheelOptions = {
    data: values.data,
    bundleDir: values.bundle ?? serverPaths().bundleDir,
    seed: whole(values.seed, '--seed', DEFAULT_FLYWHEEL.seed, 0),
    hide: whole(values.hide, '--hide', DEFAULT_FLYWHEEL.hide, 1),
    rounds: whole(values.rounds, '--rounds', DEFAULT_FLYWHEEL.rounds, 1),
    splits: whole(values.splits, '--splits', DEFAULT_FLYWHEEL.splits, 1),
    devices: whole(values.devices, '--devices', DEFAULT_FLYWHEEL.devices, 3),
    adversarial,
    ...(values.photos !== undefined && { photos: whole(values.photos, '--photos', 0, 8) }),
  };
  return { json: values.json, options };
}

function parseCrowdOptions(args: string[]): { json: boolean; options: CrowdOptions } {
  const { values } = parseCommandArgs({
    args,
    options: {
      json: { type: 'boolean', default: false },
      seed: { type: 'string' },
      photos: { type: 'string' },
      devices: { type: 'string' },
      adversarial: { type: 'string' },
      spammers: { type: 'string' },
    },
  });
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
