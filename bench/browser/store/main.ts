import type { Tag } from '../../../models/pipeline/types.ts';
import { openDatabase } from '../../../app/store/schema.ts';
import { createLocalStore } from '../../../app/store/store.ts';
import type { PreparedPhoto } from '../../../app/store/local-store.ts';
import type { StoreBenchApi } from './store-api.ts';

/** The store benchmark page: the app's real store (Dexie, database "wanwu") on the app's origin. */

const store = createLocalStore(openDatabase());
/** Photo ids this page has seeded, oldest first. */
const seeded: string[] = [];
/** Photos written at once while seeding: keeps IndexedDB busy without one huge transaction. */
const SEED_BATCH = 16;
const EMBEDDING_DIMS = 960;

const vocabulary = [
  ['coco:dog', 'dog', '狗'],
  ['coco:cat', 'cat', '猫'],
  ['coco:person', 'person', '人'],
  ['coco:bicycle', 'bicycle', '自行车'],
  ['coco:car', 'car', '汽车'],
  ['coco:bird', 'bird', '鸟'],
  ['coco:cup', 'cup', '杯子'],
  ['coco:chair', 'chair', '椅子'],
  ['coco:potted plant', 'potted plant', '盆栽'],
  ['coco:giraffe', 'giraffe', '长颈鹿'],
  ['imagenet:golden retriever', 'golden retriever', '金毛猎犬'],
] as const;

/** Three tags per photo, two shown and one below its threshold, varied by the photo's number. */
function tagsFor(n: number): Tag[] {
  return [0, 1, 2].map((k) => {
    const [id, en, zh] = vocabulary[(n + k * 4) % vocabulary.length];
    return { id, en, zh, score: 0.9 - k * 0.3, source: 'detector', shown: k < 2 };
  });
}

async function jpeg(n: number, width: number, height: number): Promise<Blob> {
  const canvas = new OffscreenCanvas(width, height);
  const g = canvas.getContext('2d')!;
  g.fillStyle = `hsl(${(n * 47) % 360} 55% 55%)`;
  g.fillRect(0, 0, width, height);
  g.fillStyle = '#fff';
  g.font = `${Math.round(height / 3)}px sans-serif`;
  g.fillText(String(n), width / 10, height / 1.6);
  return canvas.convertToBlob({ type: 'image/jpeg', quality: 0.8 });
}

async function preparedPhoto(n: number): Promise<PreparedPhoto> {
  const [image, thumbnail] = await Promise.all([jpeg(n, 640, 480), jpeg(n, 256, 192)]);
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', await image.arrayBuffer()));
  const id = Array.from(digest, (byte) => byte.toString(16).padStart(2, '0')).join('');
  return { id, image, thumbnail, width: 640, height: 480 };
}

/** One photo as the app keeps it, with feedback on some: a verdict on a third, "all correct" on a fifth. */
async function seedOne(n: number): Promise<PreparedPhoto> {
  const photo = await preparedPhoto(n);
  const tags = tagsFor(n);
  const embedding = Float32Array.from({ length: EMBEDDING_DIMS }, () => Math.random());
  const timings = { decode: 5, preprocess: 5, detector: 60, classifier: 20, postprocess: 2, total: 92 };
  await store.savePhoto(photo, { model: 'bench', provider: 'wasm', tags, embedding, timings });
  if (n % 3 === 0) await store.recordFeedback({ type: 'tag-verdict', photoId: photo.id, tag: { id: tags[0].id }, verdict: n % 2 ? 'wrong' : 'correct', score: tags[0].score, origin: 'detector' });
  if (n % 5 === 0) await store.recordFeedback({ type: 'photo-confirmed', photoId: photo.id, tags: tags.filter((tag) => tag.shown).map(({ id }) => ({ id })) });
  return photo;
}

const api: StoreBenchApi = {
  async seed(count) {
    const started = performance.now();
    let sizes = { imageBytes: 0, thumbnailBytes: 0 };
    const end = seeded.length + count;
    for (let n = seeded.length; n < end; n += SEED_BATCH) {
      const batch = Array.from({ length: Math.min(SEED_BATCH, end - n) }, (_, i) => seedOne(n + i));
      const photos = await Promise.all(batch);
      seeded.push(...photos.map((photo) => photo.id));
      sizes = { imageBytes: photos[0].image.size, thumbnailBytes: photos[0].thumbnail.size };
    }
    return { photos: seeded.length, ms: performance.now() - started, ...sizes };
  },

  async writeFeedback(count) {
    const times: number[] = [];
    for (let i = 0; i < count; i++) {
      // Spread over the whole history: a verdict on the second tag of a photo picked at random.
      const n = Math.floor(Math.random() * seeded.length);
      const tag = tagsFor(n)[1];
      const started = performance.now();
      await store.recordFeedback({ type: 'tag-verdict', photoId: seeded[n], tag: { id: tag.id }, verdict: i % 2 ? 'wrong' : 'correct', score: tag.score, origin: 'detector' });
      times.push(performance.now() - started);
    }
    return times;
  },
};

window.wanwuStoreBench = api;
document.body.dataset.ready = 'true';
