import { expect } from 'vitest';
import { convertTfjsGraph } from './convert.ts';
import { encodeModel, type OnnxModel } from './onnx-writer.ts';
import { runOnnx } from './ort-run.ts';
import { loadTfjsGraph, randomValues, type TinyGraph, tfjsWasm } from './tfjs-reference.ts';
import { parseTfjsGraph, type TfGraph } from './tfjs-graph.ts';

/** Test-time check shared by the op mapping and graph rewrite tests. */

export interface ParityOutput {
  from: string;
  layout?: 'NCHW' | 'NHWC';
}

/**
 * Converts the graph (after `rewrite`, if given), runs it in onnxruntime-node and the original
 * graph in TF.js on the same input (uniform in [-4, 4)), and expects the outputs to agree.
 */
export async function expectParity(
  graph: TinyGraph,
  input: { name: string; shape: number[] },
  outputs: ParityOutput[],
  rewrite: (graph: TfGraph) => TfGraph = (same) => same,
): Promise<OnnxModel> {
  const { json, weightData } = graph.model();
  const onnx = convertTfjsGraph(rewrite(parseTfjsGraph(json, weightData)), {
    graphName: 'test',
    inputs: [{ name: 'x', from: input.name }],
    outputs: outputs.map((output, i) => ({ name: `out${i}`, ...output })),
  });
  const tf = await tfjsWasm();
  const x = tf.tensor(randomValues(input.shape.reduce((a, b) => a * b), 7).map((v) => v * 4), input.shape);
  const model = await loadTfjsGraph(json, weightData);
  const expected = [model.execute({ [input.name]: x }, outputs.map((output) => output.from))].flat();
  const onnxInput = input.shape.length === 4 ? tf.transpose(x, [0, 3, 1, 2]) : x;
  const actual = await runOnnx(encodeModel(onnx), { x: { data: onnxInput.dataSync() as Float32Array, dims: onnxInput.shape } });
  outputs.forEach((output, i) => {
    const reference = expected[i].rank === 4 && output.layout !== 'NHWC' ? tf.transpose(expected[i], [0, 3, 1, 2]) : expected[i];
    const got = actual[`out${i}`];
    expect(got.dims).toEqual(reference.shape);
    const want = reference.dataSync();
    const scale = Math.max(1, ...Array.from(want, Math.abs));
    const worst = Math.max(...Array.from(got.data, (v, j) => Math.abs(v - want[j])));
    expect(worst / scale).toBeLessThan(1e-5);
  });
  return onnx;
}
