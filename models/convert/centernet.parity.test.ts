import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import jpeg from 'jpeg-js';
import type * as tfTypes from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { photosDir, repoRoot } from '../../test/env.ts';
import { decodeDetections } from '../pipeline/detector.ts';
import { centerNetGraph, convertCenterNet } from './centernet.ts';
import { loadWarnings, relativeL2, runOnnx } from './ort-run.ts';
import { loadTfjsGraph, tfjsWasm } from './tfjs-reference.ts';
import { readTfjsModel } from './tfjs-graph.ts';

// The package's exports map hides models/, so the file is addressed by path.
const modelJson = join(repoRoot, 'node_modules/@vladmandic/human/models/centernet.json');

let tf: typeof tfTypes;
let reference: tfTypes.GraphModel;
let onnx: Uint8Array;

beforeAll(async () => {
  tf = await tfjsWasm();
  const { json, weightData } = await readTfjsModel(modelJson);
  reference = await loadTfjsGraph(json, weightData);
  onnx = await convertCenterNet(modelJson);
});

/** The photo as both runtimes see it: decoded, stretched to 512x512 by TF.js's bilinear resize. */
function photoInput(name: string): tfTypes.Tensor4D {
  const { width, height, data } = jpeg.decode(readFileSync(join(photosDir, name)), { useTArray: true });
  const rgb = new Float32Array(width * height * 3);
  for (let i = 0; i < width * height; i++) rgb.set(data.subarray(i * 4, i * 4 + 3), i * 3);
  return tf.image.resizeBilinear(tf.tensor4d(rgb, [1, height, width, 3]), [512, 512]);
}

const nchw = (tensor: tfTypes.Tensor) => tf.transpose(tensor, [0, 3, 1, 2]).dataSync() as Float32Array;

describe('CenterNet converted to ONNX', () => {
  it('loads in onnxruntime with no warnings and carries no dead initializers', async () => {
    expect(loadWarnings(onnx)).toBe('');
    const { graph } = await centerNetGraph(modelJson);
    const consumed = new Set(graph.nodes.flatMap((node) => node.inputs));
    expect(graph.initializers.filter((init) => !consumed.has(init.name)).map((init) => init.name)).toEqual([]);
    expect(graph.inputs).toEqual([{ name: 'images', elemType: 1, dims: [1, 3, 512, 512] }]);
    expect(graph.outputs.map((output) => [output.name, output.dims])).toEqual([
      ['heatmap', [1, 80, 128, 128]],
      ['sizes', [1, 4, 128, 128]],
      ['embedding', [1, 960]],
    ]);
  });

  // COCO class indices: 16 dog, 17 horse.
  it.each([
    ['dog.jpg', 16],
    ['horses.jpg', 17],
  ])('matches TF.js on %s: raw outputs, embedding and the top-10 detections', async (photo, expectedClass) => {
    const input = photoInput(photo);
    const [keypoints, rawSizes, detections, features] = reference.execute({ 'tower_0/images': input }, [
      'tower_0/keypoints',
      'tower_0/CenternetHead/centernet_wh_output/BiasAdd',
      'tower_0/detections',
      'tower_0/extern1/hard_swish/mul_1',
    ]) as tfTypes.Tensor[];
    const out = await runOnnx(onnx, { images: { data: nchw(input), dims: [1, 3, 512, 512] } });

    expect(relativeL2(out.heatmap.data, nchw(keypoints))).toBeLessThan(1e-4);
    expect(relativeL2(out.sizes.data, nchw(rawSizes))).toBeLessThan(1e-4);
    const meanThenMax = tf.concat([tf.mean(features, [1, 2]), tf.max(features, [1, 2])], 1);
    expect(relativeL2(out.embedding.data, meanThenMax.dataSync())).toBeLessThan(1e-4);

    const ours = decodeDetections(out.heatmap, out.sizes, { stride: 4, sizeScale: 16, layout: 'NCHW', topK: 10 });
    const theirs = (detections.arraySync() as number[][][])[0].slice(0, 10);
    expect(ours.map((d) => d.classIndex)).toEqual(theirs.map((row) => row[5]));
    ours.forEach((d, i) => {
      const [x1, y1, x2, y2, score] = theirs[i];
      expect(Math.abs(d.score - score)).toBeLessThan(1e-4);
      expect(Math.max(...[d.x1 - x1, d.y1 - y1, d.x2 - x2, d.y2 - y2].map(Math.abs))).toBeLessThan(0.5);
    });
    expect(ours.some((d) => d.classIndex === expectedClass && d.score > 0.3)).toBe(true);
  });
});
