import { createHash, randomUUID } from 'node:crypto';
import { seededRandom } from '../server/seeded-random.ts';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FeedbackEvent } from '../server/contract/feedback-event.ts';
import { UNKNOWN_NEED } from '../server/contract/sync.ts';
import type { Manifest } from '../models/pipeline/manifest.ts';
import type { ConsensusItem, Repository } from '../server/storage/repository.ts';
import { splitOf } from '../server/training/split.ts';
import { MIN_TEACHERS } from '../server/training/teachers.ts';

/**
 * Data for training tests: a tiny built bundle (one detector class, `coco:dog`) and photos whose
 * embeddings people sent with feedback, with consensus labels for taught tags that the
 * embedding separates (so a head can learn them and a current head without them scores 0).
 */

export const DIMS = 8;
/** Taught tags and which embeddings show them. */
export const TAUGHT: Record<string, (x: Float32Array) => boolean> = {
  'text:金毛': (x) => x[0] + 0.5 * x[1] > 0.3,
  'text:cat tree': (x) => x[2] - x[3] > 0.4,
};

/** A bundle folder as `npm run models` lays it out, with a stand-in detector file. */
export function writeBuiltBundle(dir: string, version = 'b1'): void {
  const detector = new Uint8Array(1024).map((_, i) => (i * 7) % 251);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'detector.onnx'), detector);
  const manifest: Manifest = {
    format: 1, version, created: '2026-01-01T00:00:00.000Z', inputs: 'fixture',
    files: [{ path: 'detector.onnx', sha256: createHash('sha256').update(detector).digest('hex'), bytes: detector.length }],
    models: [{
      kind: 'detector', file: 'detector.onnx', input: 'images', classes: ['coco:dog'],
      preprocess: { width: 512, height: 512, resize: 'stretch', layout: 'NCHW', scale: 1, mean: [0, 0, 0], std: [1, 1, 1] },
      outputs: { heatmap: 'heatmap', sizes: 'sizes', embedding: 'embedding' }, stride: 4, sizeScale: 16, heatmapLayout: 'NCHW',
    }],
    tags: [{ id: 'coco:dog', en: 'dog', zh: '狗', threshold: 0.3 }],
  };
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));
}

/** Seeded uniform numbers in [−1, 1): the same photos for every run of a test. */
function random(seed: number): () => number {
  const source = seededRandom(seed);
  return () => source.next() * 2 - 1;
}

/** Devices that teach the taught tags: as many as training asks of a new tag (server/training/teachers.ts). */
const TEACHERS = MIN_TEACHERS;

/**
 * Stores `count` photos as TEACHERS devices and one witness judged them, and consensus labels for
 * them, `from` numbering the photos: each device says the photo has no dog (as confident consensus
 * does, which makes the devices trusted); the teachers add the taught tags the photo shows, and the
 * witness adds them on held-out photos only, so that a device other than the teachers backs them
 * there (server/training/teachers.ts). The first teacher's event carries the embedding.
 */
export async function storeLabelledPhotos(repository: Repository, { count, from = 0, at = new Date() }: { count: number; from?: number; at?: Date }): Promise<ConsensusItem[]> {
  const next = random(42 + from);
  const teachers = Array.from({ length: TEACHERS }, () => randomUUID());
  const witness = randomUUID();
  const devices = [...teachers, witness];
  for (const id of devices) await repository.createDevice({ id, tokenHash: randomUUID(), createdAt: at, address: 'in-process' });
  const events = new Map<string, FeedbackEvent[]>(devices.map((id) => [id, []]));
  const items: ConsensusItem[] = [];
  for (let i = from; i < from + count; i++) {
    const photoId = createHash('sha256').update(`photo ${i}`).digest('hex');
    const x = Float32Array.from({ length: DIMS }, next);
    const base = { photoId, model: 'b1', at: at.toISOString() };
    const namers = splitOf(photoId) === 'train' ? teachers : devices;
    devices.forEach((deviceId, d) => {
      const embedding = d === 0 ? { embedding: Buffer.from(x.buffer).toString('base64'), dims: DIMS } : {};
      events.get(deviceId)!.push({ id: randomUUID(), type: 'tag-verdict', ...base, tag: { id: 'coco:dog' }, verdict: 'wrong', ...embedding });
      if (!namers.includes(deviceId)) return;
      for (const [tagKey, shows] of Object.entries(TAUGHT)) {
        if (shows(x)) events.get(deviceId)!.push({ id: randomUUID(), type: 'tag-added', ...base, tag: { text: tagKey.slice('text:'.length) } });
      }
    });
    items.push({ photoId, tagKey: 'coco:dog', probability: 0.03, votes: devices.length, hard: false, modelScore: null });
    for (const [tagKey, shows] of Object.entries(TAUGHT)) items.push({ photoId, tagKey, probability: shows(x) ? 0.97 : 0.03, votes: namers.length, hard: false, modelScore: null });
  }
  for (const [deviceId, sent] of events) await repository.storeEvents(deviceId, sent, at);
  return items;
}

/** Stores a consensus run over these items, as the consensus job does. */
export async function storeConsensus(repository: Repository, items: ConsensusItem[], at = new Date()): Promise<void> {
  await repository.saveConsensus({ run: { at: at.toISOString(), ms: 1, votes: items.length, incremental: false }, items, devices: [], need: UNKNOWN_NEED, feedbackPerDay: [], alerts: [] }, 'replace');
}
