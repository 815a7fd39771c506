import { seededRandom, type Random } from '../../seeded-random.ts';
import type { FeedbackEvent } from '../../contract/feedback-event.ts';
import type { BasePhoto } from './base-recognition.ts';
import { SYBIL_TAG, type DeviceKind, type PhotoTruth } from './device-behaviour.ts';
import { evaluate, type Scores } from './evaluate.ts';
import { labelSpace, mostFrequentClasses, type LabelSpace, type SimClass } from './label-space.ts';
import { feedbackOn, PhoneModels, registerDevice, updateDevice, type SimDevice } from './sim-device.ts';
import { startSimServer, type SimServer } from './sim-server.ts';
import { upperBoundModel } from './upper-bound.ts';

/** Share of photos held out for evaluation: never seen by a device. */
const HELD_OUT_SHARE = 0.25;
/** Devices that judge each photo in the round it is fed. */
const JUDGES_PER_PHOTO = 3;
/** Share of the honest devices that are careless. */
const CARELESS_SHARE = 0.2;
/** When the simulated feedback starts; each round is a day later. */
const START_MS = Date.UTC(2025, 0, 1);
const DAY_MS = 86_400_000;

export interface SplitOptions {
  seed: number;
  hide: number;
  rounds: number;
  devices: number;
  adversarial: number;
  /** Fresh devices, beyond `devices`, that add SYBIL_TAG to every photo of every round. */
  sybil: number;
  bundleDir: string;
  onProgress?: (message: string) => void;
}

/** One round: the photos fed so far, the training run it ended with, and the active version's scores. */
export interface RoundReport {
  round: number;
  feedbackPhotos: number;
  events: number;
  training: { status: string; publishedVersion: string | null; tags: string[]; reasons: string[] };
  version: string;
  scores: Scores;
  /** Whether the active version's vocabulary has the sybils' invented tag. */
  sybilTagPublished: boolean;
}

export interface SplitReport {
  seed: number;
  trainPhotos: number;
  heldOutPhotos: number;
  /** The built bundle's version: round 0. */
  baseVersion: string;
  hidden: { name: string; zh: string; trainPositives: number; heldOutPositives: number }[];
  base: Scores;
  upperBound: Scores | null;
  rounds: RoundReport[];
  /** Devices of each kind, and how many consensus had quarantined at the end. */
  devices: Record<DeviceKind, { devices: number; quarantined: number }>;
}

/** One split of the photos: a fresh server, devices, R rounds of feedback → consensus → training → gate → update. */
export async function runSplit(all: readonly BasePhoto[], names: readonly string[], options: SplitOptions): Promise<SplitReport> {
  const random = seededRandom(options.seed);
  const photos = shuffled(all, random);
  const heldOutCount = Math.round(photos.length * HELD_OUT_SHARE);
  const heldOut = photos.slice(0, heldOutCount);
  const training = photos.slice(heldOutCount);
  const space = labelSpace(names, mostFrequentClasses(training, options.hide));
  const server = await startSimServer(options.bundleDir);
  const models = new PhoneModels(space.dropped);
  try {
    const devices = await registerDevices(server, options, random);
    const sybils: SimDevice[] = [];
    for (let i = 0; i < options.sybil; i++) sybils.push(await registerDevice(server, 'sybil', START_MS));
    const observer = await registerDevice(server, 'careful', START_MS);
    const activeScores = async () => {
      await updateDevice(observer, server, models);
      return { version: observer.model!.version, scores: await evaluate(observer.model!, heldOut, space.classes) };
    };
    const { version: baseVersion, scores: base } = await activeScores();
    options.onProgress?.(`split seed ${options.seed}: base mAP ${base.mAP.toFixed(3)}; training the upper bound`);
    const upper = await upperBoundModel(training, space.classes, (await server.currentModel(null))!.manifest, models);
    const upperBound = upper && (await evaluate(upper, heldOut, space.classes));
    await upper?.release();

    const rounds: RoundReport[] = [];
    const truthOf = truths(space);
    let fed = 0;
    let events = 0;
    for (let round = 1; round <= options.rounds; round++) {
      const part = training.slice(Math.round(((round - 1) * training.length) / options.rounds), Math.round((round * training.length) / options.rounds));
      fed += part.length;
      events += await feedRound(server, models, devices, part, truthOf, random, START_MS + round * DAY_MS);
      // Sybils flood: each of them adds the invented tag to every photo of the round.
      for (const sybil of sybils) events += await feedDevice(server, models, sybil, part, truthOf, random, START_MS + round * DAY_MS);
      await server.aggregate();
      const run = await server.train();
      const active = await activeScores();
      rounds.push({
        round,
        feedbackPhotos: fed,
        events,
        training: { status: run.status, publishedVersion: run.publishedVersion, tags: run.data?.tags ?? [], reasons: run.decision?.reasons ?? (run.error ? [run.error] : []) },
        ...active,
        sybilTagPublished: (await server.currentModel(null))!.manifest.tags.some((tag) => tag.id === `text:${SYBIL_TAG}`),
      });
      options.onProgress?.(`split seed ${options.seed}, round ${round}: ${run.status}, mAP ${active.scores.mAP.toFixed(3)}`);
    }
    return {
      seed: options.seed,
      trainPhotos: training.length,
      heldOutPhotos: heldOut.length,
      baseVersion,
      hidden: space.hidden.map((c) => ({ name: c.name, zh: c.zh, trainPositives: count(training, c), heldOutPositives: count(heldOut, c) })),
      base,
      upperBound,
      rounds,
      devices: await deviceOutcome(server, [...devices, ...sybils]),
    };
  } finally {
    await models.release();
    await server.close();
  }
}

async function registerDevices(server: SimServer, options: SplitOptions, random: Random): Promise<SimDevice[]> {
  const adversarial = Math.round(options.devices * options.adversarial);
  const careless = Math.round((options.devices - adversarial) * CARELESS_SHARE);
  const kinds = Array.from({ length: options.devices }, (_, i): DeviceKind => (i < adversarial ? 'adversarial' : i < adversarial + careless ? 'careless' : 'careful'));
  const devices: SimDevice[] = [];
  for (const kind of shuffled(kinds, random)) devices.push(await registerDevice(server, kind, START_MS));
  return devices;
}

/** Each photo goes to JUDGES_PER_PHOTO distinct devices; each device updates its model, judges its photos and syncs once. */
async function feedRound(
  server: SimServer, models: PhoneModels, devices: readonly SimDevice[], photos: readonly BasePhoto[],
  truthOf: (photo: BasePhoto) => PhotoTruth, random: Random, dayMs: number,
): Promise<number> {
  const assigned = new Map<SimDevice, BasePhoto[]>(devices.map((device) => [device, []]));
  for (const photo of photos) {
    for (const device of shuffled(devices, random).slice(0, JUDGES_PER_PHOTO)) assigned.get(device)!.push(photo);
  }
  let sent = 0;
  for (const [device, queue] of assigned) {
    if (queue.length > 0) sent += await feedDevice(server, models, device, queue, truthOf, random, dayMs);
  }
  return sent;
}

/** One device on its day: updates its model, judges its photos and syncs once; returns the events sent. */
async function feedDevice(
  server: SimServer, models: PhoneModels, device: SimDevice, photos: readonly BasePhoto[],
  truthOf: (photo: BasePhoto) => PhotoTruth, random: Random, dayMs: number,
): Promise<number> {
  device.clock = Math.max(device.clock, dayMs + random.next() * DAY_MS * 0.5);
  await updateDevice(device, server, models);
  const events: FeedbackEvent[] = [];
  for (const photo of photos) events.push(...(await feedbackOn(device, models, photo, truthOf(photo), random)));
  await server.sync(device.token, events);
  return events.length;
}

function truths(space: LabelSpace): (photo: BasePhoto) => PhotoTruth {
  const classOf = new Map<string, SimClass>();
  for (const c of space.classes) {
    if (!c.hidden) classOf.set(c.baseId, c);
    classOf.set(c.taughtKey, c);
  }
  const visible = space.classes.filter((c) => !c.hidden);
  return (photo) => ({ classes: photo.classes, classOf, hidden: space.hidden, visible });
}

async function deviceOutcome(server: SimServer, devices: readonly SimDevice[]): Promise<SplitReport['devices']> {
  const quarantined = new Set((await server.deps.repository.consensusDevices()).filter((d) => d.quarantine !== null).map((d) => d.deviceId));
  const outcome: SplitReport['devices'] = {
    careful: { devices: 0, quarantined: 0 }, careless: { devices: 0, quarantined: 0 }, adversarial: { devices: 0, quarantined: 0 }, sybil: { devices: 0, quarantined: 0 },
  };
  for (const device of devices) {
    outcome[device.kind].devices++;
    if (quarantined.has(device.id)) outcome[device.kind].quarantined++;
  }
  return outcome;
}

function count(photos: readonly BasePhoto[], c: SimClass): number {
  return photos.filter((photo) => photo.classes.has(c.name)).length;
}

/** Fisher–Yates on a copy. */
function shuffled<T>(items: readonly T[], random: Random): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = random.below(i + 1);
    [copy[i], copy[j]] = [copy[j], copy[i]];
  }
  return copy;
}
