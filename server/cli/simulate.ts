import { DEFAULT_CROWD, DEFAULT_SWEEP, simulateCrowd, sweepCrowd, type CrowdOptions, type CrowdReport, type SweepOptions, type SweepReport } from '../consensus/simulate-crowd.ts';
import { serverPaths } from '../paths.ts';
import { formatFlywheelReport, formatFlywheelSweep } from '../training/flywheel/report-table.ts';
import { DEFAULT_FLYWHEEL, sweepFlywheel, type FlywheelOptions } from '../training/simulate-flywheel.ts';
import { DatasetError } from '../training/yolo-dataset.ts';
import { parseCommandArgs, UsageError, type Command } from './command.ts';

/**
 * `wanwu simulate crowd`: the consensus engine against a synthetic crowd with known truth, or
 * (`--sweep`) against a grid of adversary and spammer shares.
 * `wanwu simulate flywheel`: the whole loop (feedback → consensus → training → gate → update) against the real server code;
 * with a list of adversarial shares (`--adversarial 0,0.2,0.4`), the same seeds and splits under each, as one table.
 */
export const simulate: Command = {
  summary: 'simulate a crowd against the consensus engine, or the whole feedback → training → update loop (flywheel)',
  usage: [
    'crowd [--json] [--seed N] [--photos N] [--devices M] [--adversarial F] [--spammers F]',
    '       wanwu simulate crowd --sweep [--json] [--seed N] [--seeds K] [--photos N] [--devices M]',
    '       wanwu simulate flywheel --data YOLO_DIR [--json] [--seed N] [--hide K] [--rounds R] [--splits S] [--adversarial F[,F…]] [--sybil N] [--devices M] [--photos N] [--bundle DIR]',
  ].join('\n'),
  async run(args) {
    const [name, ...rest] = args;
    if (name === 'crowd') {
      const { json, options, sweep } = parseCrowdOptions(rest);
      if (sweep) {
        const report = sweepCrowd(sweep);
        process.stdout.write(json ? `${JSON.stringify(report)}\n` : formatSweep(report));
        return 0;
      }
      const report = simulateCrowd(options);
      process.stdout.write(json ? `${JSON.stringify(report)}\n` : formatReport(report));
      return 0;
    }
    if (name === 'flywheel') {
      const { json, options, adversarial } = parseFlywheelOptions(rest);
      let reports;
      try {
        reports = await sweepFlywheel({ ...options, onProgress: (message) => process.stderr.write(`${message}\n`) }, adversarial);
      } catch (error) {
        if (!(error instanceof DatasetError)) throw error;
        process.stderr.write(`wanwu simulate: ${error.message}\n`);
        return 1;
      }
      // Several shares (a sweep): one report each in JSON, one table for people.
      const [report] = reports;
      if (json) process.stdout.write(`${JSON.stringify(reports.length === 1 ? report : reports)}\n`);
      else process.stdout.write(reports.length === 1 ? formatFlywheelReport(report) : formatFlywheelSweep(reports));
      return 0;
    }
    throw new UsageError('the simulations are "crowd" and "flywheel"');
  },
};

function parseFlywheelOptions(args: string[]): { json: boolean; options: FlywheelOptions; adversarial: number[] } {
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
      sybil: { type: 'string' },
      devices: { type: 'string' },
      photos: { type: 'string' },
    },
  });
  if (!values.data) throw new UsageError('--data YOLO_DIR is required (a folder with images/, labels/ and names.txt)');
  const adversarial = (values.adversarial?.split(',') ?? [undefined]).map((raw) => share(raw, '--adversarial', DEFAULT_FLYWHEEL.adversarial));
  if (adversarial.some((value) => value > 0.5)) throw new UsageError('--adversarial must leave honest devices the majority (≤ 0.5)');
  const options: FlywheelOptions = {
    data: values.data,
    bundleDir: values.bundle ?? serverPaths().bundleDir,
    seed: whole(values.seed, '--seed', DEFAULT_FLYWHEEL.seed, 0),
    hide: whole(values.hide, '--hide', DEFAULT_FLYWHEEL.hide, 0),
    rounds: whole(values.rounds, '--rounds', DEFAULT_FLYWHEEL.rounds, 1),
    splits: whole(values.splits, '--splits', DEFAULT_FLYWHEEL.splits, 1),
    devices: whole(values.devices, '--devices', DEFAULT_FLYWHEEL.devices, 3),
    adversarial: adversarial[0],
    sybil: whole(values.sybil, '--sybil', DEFAULT_FLYWHEEL.sybil, 0),
    ...(values.photos !== undefined && { photos: whole(values.photos, '--photos', 0, 8) }),
  };
  return { json: values.json, options, adversarial };
}

function parseCrowdOptions(args: string[]): { json: boolean; options: CrowdOptions; sweep: SweepOptions | null } {
  const { values } = parseCommandArgs({
    args,
    options: {
      json: { type: 'boolean', default: false },
      sweep: { type: 'boolean', default: false },
      seed: { type: 'string' },
      seeds: { type: 'string' },
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
  if (!values.sweep) {
    if (values.seeds !== undefined) throw new UsageError('--seeds goes with --sweep');
    return { json: values.json, options, sweep: null };
  }
  if (values.adversarial !== undefined || values.spammers !== undefined) throw new UsageError('--sweep runs every share of adversaries and spammers; leave out --adversarial and --spammers');
  const seeds = whole(values.seeds, '--seeds', DEFAULT_SWEEP.seeds.length, 1);
  const sweep: SweepOptions = { ...DEFAULT_SWEEP, photos: options.photos, devices: options.devices, seeds: Array.from({ length: seeds }, (_, i) => options.seed + i) };
  return { json: values.json, options, sweep };
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
  const alerts = report.alerts.map(({ rule, tagKey, devices, share }) => `${rule}${tagKey ? ` on "${tagKey}"` : ''} (${devices} devices, ${pct(share)})`);
  return [
    `simulated crowd: seed ${options.seed}, ${options.photos} photos, ${options.devices} devices (${pct(options.adversarial)} adversarial, ${pct(options.spammers)} spammers), ${report.votes} votes`,
    '',
    ...rows.map(([label, majority, consensus]) => `${label.padEnd(width)}  ${majority.padStart(13)}  ${consensus.padStart(10)}`),
    `${'Brier score of consensus'.padEnd(width)}  ${''.padStart(13)}  ${report.brier.toFixed(4).padStart(10)}`,
    '',
    `quarantined: ${pct(report.dishonestQuarantined)} of dishonest devices, ${pct(report.honestQuarantined)} of honest ones${reasons ? ` (${reasons})` : ''}`,
    ...kinds,
    ...(alerts.length > 0 ? [`held back for an admin (too many devices at once): ${alerts.join(', ')}`] : []),
    '',
    `aggregation took ${Math.round(report.ms)} ms`,
    '',
  ].join('\n');
}

function formatSweep(report: SweepReport): string {
  const { options, cells } = report;
  const pct = (value: number) => `${(value * 100).toFixed(1)} %`;
  const signed = (value: number) => `${value >= 0 ? '+' : '−'}${Math.abs(value).toFixed(3)}`;
  const rows = cells.map((cell) => [
    `${cell.adversarial.toFixed(2)} / ${cell.spammers.toFixed(2)}`,
    `${pct(cell.honestShare)}${cell.honestShare > 0.5 ? '' : ' *'}`,
    cell.majorityAccuracy.toFixed(3),
    cell.consensusAccuracy.toFixed(3),
    signed(cell.worst.consensusOverMajority),
    `${cell.honestQuarantined.toFixed(3)} (${cell.worst.honestQuarantined.toFixed(3)})`,
    cell.dishonestQuarantined.toFixed(2),
    cell.alerts.toFixed(1),
  ]);
  const header = ['adversarial / spammers', 'honest devices', 'majority vote', 'consensus', 'worst seed: consensus − majority', 'honest quarantined (worst seed)', 'dishonest quarantined', 'alerts'];
  const honest = cells.filter((cell) => cell.honestShare > 0.5);
  const below = report.belowMajority.map(({ adversarial, spammers }) => `${adversarial.toFixed(2)} / ${spammers.toFixed(2)}`);
  const worstMargin = honest.reduce((worst, cell) => Math.min(worst, cell.worst.consensusOverMajority), Infinity);
  const worstHonest = honest.reduce((worst, cell) => Math.max(worst, cell.worst.honestQuarantined), 0);
  return [
    `crowd sweep: ${options.photos} photos, ${options.devices} devices, seeds ${options.seeds.join(', ')}; means over seeds (* honest devices are not the majority)`,
    '',
    markdownTable(header, rows),
    '',
    below.length === 0 ? 'consensus is at least as accurate as majority vote in every cell' : `consensus is less accurate than majority vote in: ${below.join(', ')}`,
    `where honest devices are the majority: consensus − majority vote ≥ ${signed(worstMargin)} and honest devices quarantined ≤ ${pct(worstHonest)} in every seed`,
    `${cells.length * options.seeds.length} simulations in ${(report.ms / 1000).toFixed(1)} s`,
    '',
  ].join('\n');
}

function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((cell, i) => rows.reduce((widest, row) => Math.max(widest, row[i].length), cell.length));
  const line = (cells: readonly string[]) => `| ${cells.map((cell, i) => cell.padEnd(widths[i])).join(' | ')} |`;
  return [line(header), `|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}
