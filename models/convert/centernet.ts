import { convertTfjsGraph } from './convert.ts';
import { fuseHardSwish } from './hard-swish.ts';
import { encodeModel, type OnnxModel } from './onnx-writer.ts';
import { reluBeforeConcat } from './relu-concat.ts';
import { parseTfjsGraph, readTfjsModel, type TfGraph } from './tfjs-graph.ts';

/**
 * @vladmandic/human's CenterNet (MobileNetV3, COCO-80) cut at its raw heads: the decoding tail
 * (MaxPool peak test, TopK, box maths) runs in TypeScript instead (models/pipeline/detector.ts),
 * which also keeps ops that WebGPU lacks (TopK, Mod) out of the model.
 */
const backboneFeatures = 'tower_0/extern1/hard_swish/mul_1';
const embeddingNode = 'wanwu/embedding';

/**
 * Adds the embedding: the last backbone features (NHWC [1, 16, 16, 480]) pooled over H and W,
 * average then maximum, as one [1, 960] vector. Mean ‖ max beat either alone for learning taught
 * tags (coco-dev, 10 hidden classes: mAP 0.537 vs 0.50 mean, 0.53 max, see README); on-device
 * memory compares the mean half only (app/learning/personal-memory.ts).
 */
function withEmbedding(graph: TfGraph): TfGraph {
  const axes = `${embeddingNode}/axes`;
  const axis = `${embeddingNode}/axis`;
  const nodes = new Map(graph.nodes);
  const pooled = (['Mean', 'Max'] as const).map((op) => {
    const name = `${embeddingNode}/${op.toLowerCase()}`;
    nodes.set(name, { name, op, input: [backboneFeatures, axes], attr: { keep_dims: { b: false } } });
    return name;
  });
  nodes.set(embeddingNode, { name: embeddingNode, op: 'ConcatV2', input: [...pooled, axis], attr: { N: { i: '2' } } });
  const consts = new Map(graph.consts);
  consts.set(axes, { dtype: 'int32', shape: [2], data: Int32Array.of(1, 2), storedAsFloat16: false });
  consts.set(axis, { dtype: 'int32', shape: [], data: Int32Array.of(1), storedAsFloat16: false });
  return { nodes, consts };
}

/**
 * Rewrites for onnxruntime-web's speed (each measured in headless Chromium, see README): fewer
 * elementwise passes over the large feature maps, and Relus it can fuse into convolutions.
 */
function forOnnxRuntime(graph: TfGraph): TfGraph {
  return reluBeforeConcat(fuseHardSwish(graph));
}

export async function centerNetGraph(modelJsonPath: string): Promise<OnnxModel> {
  const { json, weightData } = await readTfjsModel(modelJsonPath);
  return convertTfjsGraph(forOnnxRuntime(withEmbedding(parseTfjsGraph(json, weightData))), {
    graphName: 'centernet-mobilenetv3',
    inputs: [{ name: 'images', from: 'tower_0/images' }],
    outputs: [
      // Class scores after sigmoid, [1, 80, 128, 128].
      { name: 'heatmap', from: 'tower_0/keypoints' },
      // The wh head before the graph's x16, [1, 4, 128, 128].
      { name: 'sizes', from: 'tower_0/CenternetHead/centernet_wh_output/BiasAdd' },
      { name: 'embedding', from: embeddingNode },
    ],
  });
}

/** The ONNX bytes for `centernet.json` (+ the .bin files it names, from the same folder). */
export async function convertCenterNet(modelJsonPath: string): Promise<Uint8Array> {
  return encodeModel(await centerNetGraph(modelJsonPath));
}
