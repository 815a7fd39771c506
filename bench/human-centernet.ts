import * as tf from '@tensorflow/tfjs';

/**
 * @vladmandic/human's CenterNet as Human runs it (src/object/centernet.ts, default config): the
 * whole photo resized bilinear to 512×512, only `tower_0/detections` executed, then one
 * class-agnostic NMS (at most 10, IoU 0.4, score ≥ 0.2) and scores truncated to two decimals.
 * Shared by the browser benchmark page and the Node quality benchmark: the reference Wanwu is
 * measured against.
 */
export interface HumanObjectConfig {
  maxDetected: number;
  iouThreshold: number;
  minConfidence: number;
}

export const HUMAN_OBJECT_CONFIG: Readonly<HumanObjectConfig> = { maxDetected: 10, iouThreshold: 0.4, minConfidence: 0.2 };
const INPUT_SIZE = 512;

export interface HumanDetection {
  /** 0-based COCO-80 class index. */
  classIndex: number;
  score: number;
}

export interface HumanResult {
  detections: HumanDetection[];
  /** Graph execution until its output is read back: the part comparable to Wanwu's detector stage. */
  modelMs: number;
}

/** Human's `centernet.json` (one weights file) and the bytes of that file. */
export interface CenterNetFiles {
  modelTopology: unknown;
  weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
}

export async function loadCenterNet(json: CenterNetFiles, weights: ArrayBuffer): Promise<tf.GraphModel> {
  return tf.loadGraphModel(tf.io.fromMemory({ modelTopology: json.modelTopology as object, weightSpecs: json.weightsManifest[0].weights, weightData: weights }));
}

/** `pixels`: the upright photo, int32 or float RGB 0–255, [height, width, 3]. */
export async function detectLikeHuman(model: tf.GraphModel, pixels: tf.Tensor3D, config: HumanObjectConfig = HUMAN_OBJECT_CONFIG): Promise<HumanResult> {
  const input = tf.tidy(() => tf.image.resizeBilinear(tf.expandDims(tf.cast(pixels, 'float32'), 0) as tf.Tensor4D, [INPUT_SIZE, INPUT_SIZE]));
  const started = performance.now();
  const output = model.execute(input, ['tower_0/detections']) as tf.Tensor;
  const rows = (await output.array()) as number[][][];
  const modelMs = performance.now() - started;
  input.dispose();
  const { boxes, scores } = tf.tidy(() => {
    const columns = tf.split(tf.squeeze(output), 6, 1);
    // tf NMS wants [y1, x1, y2, x2].
    return {
      boxes: tf.squeeze(tf.stack([columns[1], columns[0], columns[3], columns[2]], 1)) as tf.Tensor2D,
      scores: tf.squeeze(columns[4]) as tf.Tensor1D,
    };
  });
  output.dispose();
  const { maxDetected, iouThreshold, minConfidence } = config;
  const kept = await tf.image.nonMaxSuppressionAsync(boxes, scores, maxDetected, iouThreshold, minConfidence);
  const keptIds = Array.from(await kept.data());
  tf.dispose([boxes, scores, kept]);
  const detections = keptIds
    .map((id) => ({ classIndex: rows[0][id][5], score: Math.trunc(100 * rows[0][id][4]) / 100 }))
    .filter((d) => !Number.isNaN(d.classIndex));
  return { detections, modelMs };
}
