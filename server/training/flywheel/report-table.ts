import type { FlywheelReport, SummaryScores } from '../simulate-flywheel.ts';
import { SYBIL_TAG } from './device-behaviour.ts';

/** The report as people read it: a round-by-round table (mean ± sd over splits), the targets, and what the gate said. */
export function formatFlywheelReport(report: FlywheelReport): string {
  const { options, splits } = report;
  const first = splits[0];
  const header = [
    `flywheel: ${report.photos} photos, ${options.splits} split(s) of ${first?.trainPhotos ?? 0} training / ${first?.heldOutPhotos ?? 0} held-out photos, seed ${options.seed}`,
    `${options.devices} devices (${percent(options.adversarial)} adversarial), ${options.rounds} rounds, ${options.hide} hidden classes`,
    ...splits.map((split) => `  split seed ${split.seed} hides: ${split.hidden.map((c) => `${c.name} ${c.zh} (${c.trainPositives}/${c.heldOutPositives})`).join(', ')}`),
    '  (training/held-out photos with the class)',
  ];
  const rows: string[][] = [
    ['round', 'photos fed', 'published', 'mAP', 'taught mAP', 'micro-F1'],
    ...report.rounds.map((round) => [
      round.round === 0 ? '0 (base)' : String(round.round),
      round.round === 0 ? '0' : String(splits[0]?.rounds[round.round - 1]?.feedbackPhotos ?? ''),
      round.round === 0 ? '' : `${round.published}/${splits.length}`,
      ...metrics(round),
    ]),
    ['upper bound', 'all, true labels', '', ...metrics(report.upperBound)],
  ];
  const gate = splits.flatMap((split) =>
    split.rounds.map((round) => `  seed ${split.seed} round ${round.round}: ${round.training.status}${round.training.publishedVersion ? ` ${round.training.publishedVersion}` : ''} — ${round.training.reasons.join('; ')}`),
  );
  const quarantine = (['careful', 'careless', 'adversarial', 'sybil'] as const).map((kind) => {
    const devices = splits.reduce((sum, split) => sum + split.devices[kind].devices, 0);
    const quarantined = splits.reduce((sum, split) => sum + split.devices[kind].quarantined, 0);
    return `${kind} ${quarantined} of ${devices}`;
  });
  const sybilRounds = splits.flatMap((split) => split.rounds);
  const sybil = report.options.sybil > 0
    ? [`sybils: ${report.options.sybil} fresh devices added "${SYBIL_TAG}" to every photo; the active model had it after ${sybilRounds.filter((round) => round.sybilTagPublished).length} of ${sybilRounds.length} rounds`]
    : [];
  return [
    ...header,
    '',
    ...table(rows),
    '',
    ...targets(report),
    '',
    'training runs (gate decisions):',
    ...gate,
    `quarantined at the end (all splits): ${quarantine.join(', ')}`,
    ...sybil,
    `base recognition ${report.recognitionSeconds.toFixed(1)} s, whole run ${report.seconds.toFixed(1)} s`,
    '',
  ].join('\n');
}

/** Within this much of the run without adversaries: the targets under attack. */
const UNDER_ATTACK = { mAP: 0.02, taughtMAP: 0.05 } as const;

/**
 * A sweep (the same seeds and splits under each adversarial share) as one table, each share
 * against the first one's run (normally 0, without adversaries), and the targets under attack.
 */
export function formatFlywheelSweep(reports: readonly FlywheelReport[]): string {
  const [first] = reports;
  const { options } = first;
  const delta = (value: number | null, against: number | null) => (value === null || against === null ? 'n/a' : signed(value - against));
  const rows: string[][] = [
    ['adversarial', 'published (last round)', 'final mAP', 'taught mAP', 'micro-F1', 'Δ mAP', 'Δ taught mAP', 'final ≥ base'],
    ...reports.map((report) => [
      percent(report.options.adversarial),
      `${report.rounds.at(-1)!.published}/${report.splits.length}`,
      ...metrics(report.final),
      delta(report.final.mAP, first.final.mAP),
      delta(report.final.taughtMAP, first.final.taughtMAP),
      report.final.mAP !== null && report.base.mAP !== null && report.final.mAP >= report.base.mAP ? 'yes' : 'no',
    ]),
  ];
  const attacked = reports.slice(1).map((report) => {
    const { mAP, taughtMAP } = report.final;
    const { mAP: cleanMAP, taughtMAP: cleanTaught } = first.final;
    const met = mAP !== null && taughtMAP !== null && cleanMAP !== null && cleanTaught !== null &&
      cleanMAP - mAP <= UNDER_ATTACK.mAP && cleanTaught - taughtMAP <= UNDER_ATTACK.taughtMAP;
    return `${met ? 'met    ' : 'not met'}  ${percent(report.options.adversarial)} adversarial: final mAP ${delta(mAP, cleanMAP)} and taught mAP ${delta(taughtMAP, cleanTaught)} against ${percent(options.adversarial)} (targets ≥ −${UNDER_ATTACK.mAP} and ≥ −${UNDER_ATTACK.taughtMAP})`;
  });
  return [
    `flywheel sweep: ${first.photos} photos, ${options.splits} split(s), seed ${options.seed}, ${options.devices} devices, ${options.rounds} rounds, ${options.hide} hidden classes; mean ± sd over splits; Δ against ${percent(options.adversarial)} adversarial`,
    `base model (hidden classes dropped): mAP ${metrics(first.base)[0]}`,
    '',
    ...table(rows),
    '',
    ...attacked,
    `base recognition ${first.recognitionSeconds.toFixed(1)} s, whole sweep ${reports.reduce((sum, report) => sum + report.seconds - report.recognitionSeconds, first.recognitionSeconds).toFixed(1)} s`,
    '',
  ].join('\n');
}

function targets({ base, final, upperBound }: FlywheelReport): string[] {
  const line = (what: string, value: number | null, target: string, met: boolean) =>
    `${met ? 'met    ' : 'not met'}  ${what}: ${value === null ? 'n/a' : value.toFixed(3)} (target ${target})`;
  const gain = final.mAP !== null && base.mAP !== null ? final.mAP - base.mAP : null;
  const share = final.mAP !== null && upperBound.mAP ? final.mAP / upperBound.mAP : null;
  return [
    line('final mAP − base mAP', gain, '≥ 0.05', gain !== null && gain >= 0.05),
    line('final taught mAP', final.taughtMAP, '≥ 0.5', final.taughtMAP !== null && final.taughtMAP >= 0.5),
    line('final mAP / upper bound mAP', share, '≥ 0.9', share !== null && share >= 0.9),
  ];
}

function metrics(scores: SummaryScores): string[] {
  const cell = (mean: number | null, sd: number | null) => (mean === null ? 'n/a' : `${mean.toFixed(3)} ± ${(sd ?? 0).toFixed(3)}`);
  return [cell(scores.mAP, scores.sd.mAP), cell(scores.taughtMAP, scores.sd.taughtMAP), cell(scores.microF1, scores.sd.microF1)];
}

function table(rows: readonly string[][]): string[] {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  return rows.map((row) => row.map((cell, i) => cell.padEnd(widths[i])).join('  ').trimEnd());
}

function percent(share: number): string {
  return `${Math.round(share * 100)} %`;
}

/** With a real minus sign, as people read it. */
function signed(value: number): string {
  return `${value >= 0 ? '+' : '−'}${Math.abs(value).toFixed(3)}`;
}
