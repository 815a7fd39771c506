import { verifyBundleFile } from '../../../models/pipeline/bundle.ts';
import type { HeadEntry, Manifest } from '../../../models/pipeline/manifest.ts';
import type { Random } from '../../seeded-random.ts';
import type { FeedbackEvent } from '../../contract/feedback-event.ts';
import type { BasePhoto } from './base-recognition.ts';
import { actsOnPhoto, type DeviceKind, type PhotoTruth } from './device-behaviour.ts';
import { loadPhoneModel, type PhoneModel, type PhoneModelSource } from './phone-model.ts';
import type { SimServer } from './sim-server.ts';

/** Seconds a person takes per act in the app: well above the consensus "too fast" rule. */
const ACT_SECONDS = { min: 2, spread: 6 };

export interface SimDevice {
  readonly id: string;
  readonly kind: DeviceKind;
  readonly token: string;
  /** The model it runs, and the manifest ETag it last saw. */
  model: PhoneModel | null;
  etag: string | null;
  /** Its own clock (ms): each act takes a person a few seconds. */
  clock: number;
}

/**
 * Phone models by version, shared by every device: each device still fetches the manifest and
 * the head file over the API and verifies its hash, but one session per version does the scoring.
 */
export class PhoneModels {
  private readonly loaded = new Map<string, Promise<PhoneModel>>();

  constructor(private readonly dropped: ReadonlySet<string>) {}

  /** The version the server says is current, fetched and verified as the app does. */
  async fetch(server: SimServer, manifest: Manifest): Promise<PhoneModel> {
    const entry = manifest.models.find((model): model is HeadEntry => model.kind === 'head') ?? null;
    const head = entry && { entry, bytes: await server.modelFile(manifest.version, entry.file) };
    if (head) await verifyBundleFile(manifest.files.find((file) => file.path === head.entry.file)!, head.bytes);
    let model = this.loaded.get(manifest.version);
    if (!model) {
      model = loadPhoneModel({ version: manifest.version, tags: manifest.tags, head, dropped: this.dropped });
      this.loaded.set(manifest.version, model);
    }
    return model;
  }

  /** A version not served by the server (the upper bound), run the same way; the caller releases it. */
  load(source: Omit<PhoneModelSource, 'dropped'>): Promise<PhoneModel> {
    return loadPhoneModel({ ...source, dropped: this.dropped });
  }

  /** The base scores a phone sends with a photo's embedding: the hidden classes' tags are no base model's. */
  baseScores(photo: BasePhoto): Record<string, number> {
    return Object.fromEntries(Object.entries(photo.baseScores).filter(([id]) => !this.dropped.has(id)));
  }

  async release(): Promise<void> {
    await Promise.all([...this.loaded.values()].map(async (model) => (await model).release()));
  }
}

export async function registerDevice(server: SimServer, kind: DeviceKind, startMs: number): Promise<SimDevice> {
  const { deviceId, token } = await server.register();
  return { id: deviceId, kind, token, model: null, etag: null, clock: startMs };
}

/** Like the app on start: asks for the current manifest (ETag), downloads a new version when there is one. */
export async function updateDevice(device: SimDevice, server: SimServer, models: PhoneModels): Promise<void> {
  const fresh = await server.currentModel(device.etag);
  if (!fresh) return;
  device.etag = fresh.etag;
  if (device.model?.version !== fresh.manifest.version) device.model = await models.fetch(server, fresh.manifest);
}

/** The feedback events a device queues for one photo: recognition with its model, then its owner's acts. */
export async function feedbackOn(device: SimDevice, models: PhoneModels, photo: BasePhoto, truth: PhotoTruth, random: Random): Promise<FeedbackEvent[]> {
  const model = device.model;
  if (!model) throw new Error(`device ${device.id} has no model: update it first`);
  const acts = actsOnPhoto(device.kind, await model.tagsFor(photo), truth, random);
  const embedding = Buffer.from(photo.embedding.buffer, photo.embedding.byteOffset, photo.embedding.byteLength).toString('base64');
  const baseScores = models.baseScores(photo);
  return acts.map((act) => {
    device.clock += (ACT_SECONDS.min + random.next() * ACT_SECONDS.spread) * 1000;
    const base = { id: seededUuid(random), photoId: photo.photoId, model: model.version, at: new Date(device.clock).toISOString(), embedding, dims: photo.embedding.length, baseScores };
    return { ...base, ...act };
  });
}

/** A version-4 UUID from the seeded source, so a run repeats exactly for a seed. */
function seededUuid(random: Random): string {
  const bytes = Array.from({ length: 16 }, () => random.below(256));
  bytes[6] = 0x40 | (bytes[6] & 0x0f);
  bytes[8] = 0x80 | (bytes[8] & 0x3f);
  const hex = bytes.map((b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
