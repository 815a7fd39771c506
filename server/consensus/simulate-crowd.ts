import { aggregate } from './aggregate.ts';
import { seededRandom, type Random } from '../seeded-random.ts';
import type { ModelScore, QuarantineReason, Vote } from './types.ts';

export interface CrowdOptions {
  seed: number;
  photos: number;
  devices: number;
  /** Shares of devices that are adversaries and random spammers. */
  adversarial: number;
  spammers: number;
  /** Each photo is asked about this many tags, each question by this many devices (odd: majority never ties). */
  questionsPerPhoto?: number;
  votersPerQuestion?: number;
}

export const DEFAULT_CROWD: CrowdOptions = { seed: 1, photos: 2000, devices: 300, adversarial: 0.3, spammers: 0.1 };

export type DeviceKind = 'careful' | 'careless' | 'spammer' | 'adversary' | 'colluder' | 'bot';

const TAGS = 20;
/** The adversaries' campaign: this share of tags, flipped by every adversary (honest answers elsewhere). */
const CAMPAIGN_SHARE = 0.4;
/** The colluding group: this share of devices (3 to 12 of them), all answering the same questions, flipped. */
const COLLUDER_SHARE = 0.03;
const COLLUDERS = { min: 3, max: 12 } as const;
const COLLUSION_TARGETS_PER_100_PHOTOS = 3;
const ACCURACY: Record<'careful' | 'careless', number> = { careful: 0.95, careless: 0.7 };

export interface CrowdReport {
  options: CrowdOptions;
  votes: number;
  questions: number;
  /** Share of questions answered correctly, by majority vote (ties: the model) and by consensus (P ≥ 0.5). */
  majorityAccuracy: number;
  consensusAccuracy: number;
  /** The same on the questions under attack: the campaign's tags and the colluders' targets. */
  attacked: { questions: number; majorityAccuracy: number; consensusAccuracy: number };
  /** Mean squared error of the consensus probabilities (0 perfect, 0.25 a coin). */
  brier: number;
  /** Shares of honest (careful, careless) and dishonest devices quarantined. */
  honestQuarantined: number;
  dishonestQuarantined: number;
  kinds: Record<DeviceKind, { devices: number; quarantined: number }>;
  reasons: Partial<Record<QuarantineReason, number>>;
  /** Rules held back instead of quarantining a large share of devices at once. */
  alerts: { rule: QuarantineReason; tagKey: string | null; devices: number; share: number }[];
  /** Time of the aggregation alone. */
  ms: number;
}

/** A synthetic crowd with known truth, run through the real aggregation. Deterministic for a seed. */
export function simulateCrowd(options: CrowdOptions = DEFAULT_CROWD): CrowdReport {
  const crowd = generateCrowd(options);
  const result = aggregate(crowd.votes, crowd.scores);
  const kindOf = new Map(crowd.kinds.map((kind, device) => [deviceId(device), kind]));
  const kinds = Object.fromEntries(
    (['careful', 'careless', 'spammer', 'adversary', 'colluder', 'bot'] as const).map((kind) => [
      kind,
      { devices: crowd.kinds.filter((k) => k === kind).length, quarantined: 0 },
    ]),
  ) as CrowdReport['kinds'];
  const reasons: CrowdReport['reasons'] = {};
  for (const device of result.devices) {
    if (!device.quarantine) continue;
    kinds[kindOf.get(device.deviceId)!].quarantined++;
    reasons[device.quarantine.reason] = (reasons[device.quarantine.reason] ?? 0) + 1;
  }
  const share = (list: DeviceKind[], of: 'quarantined' | 'devices') => list.reduce((sum, kind) => sum + kinds[kind][of], 0);
  const honest: DeviceKind[] = ['careful', 'careless'];
  const dishonest: DeviceKind[] = ['spammer', 'adversary', 'colluder', 'bot'];

  const tally = { all: new Tally(), attacked: new Tally() };
  let brier = 0;
  for (const item of result.items) {
    const key = `${item.photoId}|${item.tagKey}`;
    const truth = crowd.truth.get(key)!;
    const majority = crowd.majority.get(key)!;
    brier += (item.probability - truth) ** 2;
    const consensus = item.probability >= 0.5 ? 1 : 0;
    tally.all.add(majority === truth, consensus === truth);
    if (crowd.attacked.has(key)) tally.attacked.add(majority === truth, consensus === truth);
  }
  return {
    options,
    votes: crowd.votes.length,
    questions: result.items.length,
    majorityAccuracy: tally.all.majority / tally.all.count,
    consensusAccuracy: tally.all.consensus / tally.all.count,
    attacked: { questions: tally.attacked.count, majorityAccuracy: tally.attacked.majority / tally.attacked.count, consensusAccuracy: tally.attacked.consensus / tally.attacked.count },
    brier: brier / result.items.length,
    honestQuarantined: share(honest, 'quarantined') / share(honest, 'devices'),
    dishonestQuarantined: share(dishonest, 'quarantined') / share(dishonest, 'devices'),
    kinds,
    reasons,
    alerts: result.alerts.map(({ rule, tagKey, devices, share }) => ({ rule, tagKey, devices: devices.length, share })),
    ms: result.ms,
  };
}

export interface SweepOptions {
  seeds: number[];
  photos: number;
  devices: number;
  /** The grid: every share of adversaries with every share of spammers. */
  adversarial: number[];
  spammers: number[];
}

const steps = (to: number, by: number) => Array.from({ length: Math.round(to / by) + 1 }, (_, i) => Number((i * by).toFixed(2)));

export const DEFAULT_SWEEP: SweepOptions = { seeds: [1, 2, 3], photos: DEFAULT_CROWD.photos, devices: DEFAULT_CROWD.devices, adversarial: steps(0.45, 0.05), spammers: steps(0.3, 0.1) };

/** One cell of the grid: means over the seeds, and the worst seed. */
export interface SweepCell {
  adversarial: number;
  spammers: number;
  /** Share of honest (careful, careless) devices: the rules and consensus promise most where it is over half. */
  honestShare: number;
  majorityAccuracy: number;
  consensusAccuracy: number;
  honestQuarantined: number;
  dishonestQuarantined: number;
  /** Alerts raised instead of quarantines, per seed. */
  alerts: number;
  worst: {
    /** The lowest consensus accuracy minus majority vote's of any seed. */
    consensusOverMajority: number;
    honestQuarantined: number;
  };
}

export interface SweepReport {
  options: SweepOptions;
  cells: SweepCell[];
  /** Cells where consensus is less accurate than majority vote on average. */
  belowMajority: { adversarial: number; spammers: number }[];
  ms: number;
}

/** simulateCrowd over a grid of adversary and spammer shares, several seeds per cell. */
export function sweepCrowd(options: SweepOptions = DEFAULT_SWEEP): SweepReport {
  const started = performance.now();
  const cells: SweepCell[] = [];
  for (const adversarial of options.adversarial) {
    for (const spammers of options.spammers) {
      const reports = options.seeds.map((seed) => simulateCrowd({ seed, photos: options.photos, devices: options.devices, adversarial, spammers }));
      const mean = (value: (report: CrowdReport) => number) => reports.reduce((sum, report) => sum + value(report), 0) / reports.length;
      const { kinds } = reports[0];
      cells.push({
        adversarial,
        spammers,
        honestShare: (kinds.careful.devices + kinds.careless.devices) / options.devices,
        majorityAccuracy: mean((report) => report.majorityAccuracy),
        consensusAccuracy: mean((report) => report.consensusAccuracy),
        honestQuarantined: mean((report) => report.honestQuarantined),
        dishonestQuarantined: mean((report) => report.dishonestQuarantined),
        alerts: mean((report) => report.alerts.length),
        worst: {
          consensusOverMajority: reports.reduce((worst, report) => Math.min(worst, report.consensusAccuracy - report.majorityAccuracy), Infinity),
          honestQuarantined: reports.reduce((worst, report) => Math.max(worst, report.honestQuarantined), 0),
        },
      });
    }
  }
  const belowMajority = cells.filter((cell) => cell.consensusAccuracy < cell.majorityAccuracy).map(({ adversarial, spammers }) => ({ adversarial, spammers }));
  return { options, cells, belowMajority, ms: performance.now() - started };
}

class Tally {
  count = 0;
  majority = 0;
  consensus = 0;
  add(majorityRight: boolean, consensusRight: boolean): void {
    this.count++;
    if (majorityRight) this.majority++;
    if (consensusRight) this.consensus++;
  }
}

export interface Crowd {
  votes: Vote[];
  scores: ModelScore[];
  kinds: DeviceKind[];
  /** By `photoId|tagKey`: the truth, the majority vote (ties broken by the model), and the questions under attack. */
  truth: Map<string, 0 | 1>;
  majority: Map<string, 0 | 1>;
  attacked: Set<string>;
}

/** Ground truth, model scores and every device's answers, in time order. */
export function generateCrowd(options: CrowdOptions): Crowd {
  const random = seededRandom(options.seed);
  const prevalence = Array.from({ length: TAGS }, () => Math.exp(Math.log(0.03) + random.next() * Math.log(0.5 / 0.03)));
  const campaign = new Set(shuffled(random, TAGS).slice(0, Math.round(CAMPAIGN_SHARE * TAGS)));
  const kinds = deviceKinds(random, options);
  const clock = kinds.map(() => random.next() * 60_000);
  const crowd: Crowd = { votes: [], scores: [], kinds, truth: new Map(), majority: new Map(), attacked: new Set() };
  const questions: { photo: number; tag: number; truth: 0 | 1; score: number }[] = [];
  for (let photo = 0; photo < options.photos; photo++) {
    for (const tag of sample(random, TAGS, options.questionsPerPhoto ?? 5)) {
      const truth = random.next() < prevalence[tag] ? 1 : 0;
      const score = 1 / (1 + Math.exp(-((truth ? 1.2 : -2.5) + 1.5 * random.normal())));
      questions.push({ photo, tag, truth, score });
    }
  }
  const colluders = kinds.flatMap((kind, device) => (kind === 'colluder' ? [device] : []));
  const targets = new Set(shuffled(random, questions.length).slice(0, Math.round((options.photos / 100) * COLLUSION_TARGETS_PER_100_PHOTOS)));
  questions.forEach((question, index) => {
    const key = `${photoId(question.photo)}|${tagKey(question.tag)}`;
    crowd.truth.set(key, question.truth);
    crowd.scores.push({ photoId: photoId(question.photo), tagKey: tagKey(question.tag), score: question.score });
    const voters = sample(random, kinds.length, options.votersPerQuestion ?? 7);
    if (targets.has(index)) voters.push(...colluders.filter((device) => !voters.includes(device)));
    if (targets.has(index) || campaign.has(question.tag)) crowd.attacked.add(key);
    let present = 0;
    for (const device of voters) {
      const label = answer(random, kinds[device], question, campaign.has(question.tag), targets.has(index));
      present += label;
      clock[device] += kinds[device] === 'bot' ? 100 + random.next() * 200 : 800 + Math.exp(Math.log(2500) + 0.8 * random.normal());
      crowd.votes.push({ deviceId: deviceId(device), photoId: photoId(question.photo), tagKey: tagKey(question.tag), label, at: clock[device] });
    }
    const absent = voters.length - present;
    crowd.majority.set(key, present === absent ? (question.score >= 0.5 ? 1 : 0) : present > absent ? 1 : 0);
  });
  crowd.votes.sort((a, b) => a.at - b.at);
  return crowd;
}

function answer(random: Random, kind: DeviceKind, question: { truth: 0 | 1; score: number }, campaign: boolean, target: boolean): 0 | 1 {
  const honest = (accuracy: number) => (random.next() < accuracy ? question.truth : ((1 - question.truth) as 0 | 1));
  const flipped = (1 - question.truth) as 0 | 1;
  switch (kind) {
    case 'careful':
    case 'careless':
      return honest(ACCURACY[kind]);
    case 'spammer':
      return random.next() < 0.5 ? 1 : 0;
    case 'adversary':
      return campaign ? flipped : honest(ACCURACY.careful);
    case 'colluder':
      // The group's shared answer sheet: flipped on its targets, careful elsewhere.
      return target ? flipped : honest(ACCURACY.careful);
    case 'bot':
      // Copies the model as fast as it can.
      return question.score >= 0.5 ? 1 : 0;
  }
}

function deviceKinds(random: Random, options: CrowdOptions): DeviceKind[] {
  const count = (share: number) => Math.round(share * options.devices);
  const dishonest: DeviceKind[] = [
    ...Array<DeviceKind>(count(options.adversarial)).fill('adversary'),
    ...Array<DeviceKind>(count(options.spammers)).fill('spammer'),
    ...Array<DeviceKind>(Math.min(COLLUDERS.max, Math.max(COLLUDERS.min, count(COLLUDER_SHARE)))).fill('colluder'),
    'bot',
  ];
  const honest = options.devices - dishonest.length;
  if (honest < 2) throw new Error(`${options.devices} devices leave too few honest ones; use more devices or smaller shares`);
  const kinds = [...dishonest, ...Array<DeviceKind>(Math.ceil(honest / 2)).fill('careful'), ...Array<DeviceKind>(Math.floor(honest / 2)).fill('careless')];
  return shuffled(random, kinds.length).map((index) => kinds[index]);
}

/** k distinct numbers from 0..n−1 (k much smaller than n). */
function sample(random: Random, n: number, k: number): number[] {
  const chosen: number[] = [];
  while (chosen.length < Math.min(k, n)) {
    const candidate = random.below(n);
    if (!chosen.includes(candidate)) chosen.push(candidate);
  }
  return chosen;
}

/** 0..n−1 in a random order (Fisher–Yates). */
function shuffled(random: Random, n: number): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = random.below(i + 1);
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order;
}

const deviceId = (device: number) => `device-${device}`;
const photoId = (photo: number) => `photo-${photo}`;
const tagKey = (tag: number) => `tag-${String(tag).padStart(2, '0')}`;
