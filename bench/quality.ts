import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { humanCenterNet } from '../models/build/sources.ts';
import { cocoLabels } from '../models/labels/labels.ts';
import { readImageInfo } from '../models/pipeline/image.ts';
import { decodeImage } from '../server/inference/decode-image.ts';
import { loadRecognizer } from '../server/inference/recognizer.ts';
import { detectLikeHuman, HUMAN_OBJECT_CONFIG, loadCenterNet, type CenterNetFiles, type HumanObjectConfig } from './human-centernet.ts';
import { meanAveragePrecision, precisionRecallF1, type Counts, type Ranked } from '../server/training/metrics.ts';
import { fixed, formatTable, signed, writeResult } from './report.ts';
import { readYoloDataset, type LabelledImage } from '../server/training/yolo-dataset.ts';

/** Lowest score listed by Wanwu, so that every image gets a rank for every class it might hold. */
const RANKING_MIN_SCORE = 0.01;

/** Per image: class name → score (absent = not found) and the names the system decided to show. */
interface Prediction {
  scores: Map<string, number>;
  shown: Set<string>;
}

type Predictor = (image: LabelledImage, bytes: Uint8Array) => Promise<Prediction>;

export async function runQuality(options: { data: string; bundleDir: string }): Promise<void> {
  const dataset = await readYoloDataset(options.data);
  const byEn = new Map(cocoLabels.map((label) => [label.en, label]));
  const missing = dataset.names.filter((name) => !byEn.has(name));
  if (missing.length) throw new Error(`names.txt has classes that are not COCO-80 class names: ${missing.join(', ')}`);

  const wanwu = await wanwuPredictor(options.bundleDir);
  const raw = await rawModelPredictor();
  // The raw model's mAP is Human's (min score 0.2); at Wanwu's ranking floor it shows what the cut costs.
  const systems = [
    { key: 'wanwu', label: `Wanwu (${wanwu.provider}, model ${wanwu.version}, minScore ${RANKING_MIN_SCORE})`, predict: wanwu.predict },
    { key: 'raw', label: `raw model as Human runs it (TF.js wasm, NMS, min ${HUMAN_OBJECT_CONFIG.minConfidence})`, predict: raw(HUMAN_OBJECT_CONFIG) },
    {
      key: 'rawLowFloor',
      label: `raw model, min ${RANKING_MIN_SCORE} (reference)`,
      predict: raw({ ...HUMAN_OBJECT_CONFIG, minConfidence: RANKING_MIN_SCORE }),
    },
  ] as const;
  const predictions = systems.map(() => [] as Prediction[]);
  for (const image of dataset.images) {
    const bytes = new Uint8Array(await readFile(image.path));
    for (const [i, system] of systems.entries()) predictions[i].push(await system.predict(image, bytes));
  }
  await wanwu.release();

  const scores = predictions.map((p) => score(dataset.names, dataset.images, p));
  const [wanwuScores, rawScores] = scores;
  const rows = (['map', 'precision', 'recall', 'f1'] as const).map((metric) => [
    metric === 'map' ? 'image-level tag mAP' : `${metric} at shown thresholds`,
    ...scores.map((s) => fixed(s[metric])),
    signed(wanwuScores[metric] - rawScores[metric]),
  ]);
  const background = dataset.images.filter((image) => image.classes.size === 0).length;
  console.log(`\nquality: ${dataset.images.length} images (${background} background), ${wanwuScores.classes} classes with positives, COCO tags only\n`);
  console.log(formatTable(['metric', ...systems.map((system) => system.label), 'Wanwu − raw (Human)'], rows));
  const path = await writeResult('quality', {
    data: options.data,
    images: dataset.images.length,
    backgroundImages: background,
    model: wanwu.version,
    ...Object.fromEntries(systems.map((system, i) => [system.key, { label: system.label, ...scores[i] }])),
    difference: { map: wanwuScores.map - rawScores.map, f1: wanwuScores.f1 - rawScores.f1 },
  });
  console.log(`\nwritten to ${path}`);
}

function score(names: readonly string[], images: readonly LabelledImage[], predictions: readonly Prediction[]) {
  const ranked = new Map<string, Ranked[]>(names.map((name) => [name, []]));
  const counts: Counts = { truePositives: 0, falsePositives: 0, falseNegatives: 0 };
  images.forEach((image, i) => {
    const { scores, shown } = predictions[i];
    for (const name of names) {
      const positive = image.classes.has(name);
      ranked.get(name)!.push({ score: scores.get(name) ?? 0, positive });
      if (shown.has(name)) counts[positive ? 'truePositives' : 'falsePositives']++;
      else if (positive) counts.falseNegatives++;
    }
  });
  const { map, ap } = meanAveragePrecision(ranked);
  return { map, ...precisionRecallF1(counts), ...counts, classes: ap.size, ap: Object.fromEntries(ap) };
}

async function wanwuPredictor(bundleDir: string) {
  const recognizer = await loadRecognizer(bundleDir);
  const predict: Predictor = async (_image, bytes) => {
    const { tags } = await recognizer.recognize(bytes, { minScore: RANKING_MIN_SCORE });
    const coco = tags.filter((tag) => tag.id.startsWith('coco:'));
    return {
      scores: new Map(coco.map((tag) => [tag.en, tag.score])),
      shown: new Set(coco.filter((tag) => tag.shown).map((tag) => tag.en)),
    };
  };
  return { predict, provider: recognizer.provider, version: recognizer.manifest.version, release: () => recognizer.release() };
}

/** The converted model's source, run by TF.js's wasm backend in Node as Human would run it. */
async function rawModelPredictor(): Promise<(config: HumanObjectConfig) => Predictor> {
  await tf.setBackend('wasm');
  const { modelJson } = humanCenterNet();
  const json = JSON.parse(await readFile(modelJson, 'utf8')) as CenterNetFiles;
  const weights = await readFile(join(dirname(modelJson), json.weightsManifest[0].paths[0]));
  const model = await loadCenterNet(json, weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength));
  return (config) => async (_image, bytes) => {
    const info = readImageInfo(bytes);
    const decoded = await decodeImage(bytes, info);
    const pixels = uprightRgb(decoded.data, decoded.width, decoded.height, info.orientation);
    const { detections } = await detectLikeHuman(model, pixels, config);
    pixels.dispose();
    const scores = new Map<string, number>();
    for (const { classIndex, score } of detections) {
      const name = cocoLabels[classIndex].en;
      scores.set(name, Math.max(score, scores.get(name) ?? 0));
    }
    // Human reports every detection that survives Human's own min score (0.2): that is what it shows.
    const shown = new Set([...scores].filter(([, score]) => score >= HUMAN_OBJECT_CONFIG.minConfidence).map(([name]) => name));
    return { scores, shown };
  };
}

/** RGBA as stored → RGB upright, as a browser hands Human an EXIF-oriented image. */
function uprightRgb(rgba: Uint8Array | Uint8ClampedArray, width: number, height: number, orientation: number): tf.Tensor3D {
  return tf.tidy(() => {
    const stored = tf.slice(tf.tensor3d(Int32Array.from(rgba), [height, width, 4], 'int32'), [0, 0, 0], [height, width, 3]);
    const turned = orientation >= 5 ? tf.transpose(stored, [1, 0, 2]) : stored;
    const flips: Record<number, number[]> = { 2: [1], 3: [0, 1], 4: [0], 6: [1], 7: [0, 1], 8: [0] };
    return (flips[orientation] ? tf.reverse(turned, flips[orientation]) : turned) as tf.Tensor3D;
  });
}
