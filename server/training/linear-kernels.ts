import type { TagHead } from '../../models/head/head.ts';
import { DataType, encodeModel, type OnnxInitializer, type OnnxNode, type OnnxValueInfo } from '../../models/convert/onnx-writer.ts';
import { createNodeBackend } from '../inference/ort-node-backend.ts';

/**
 * The matrix products training spends its time in, run by onnxruntime through the Node backend
 * (MLAS uses every core and SIMD; plain JS loops are ~30× slower at 50k × 960 × 200). Each graph has a fixed batch size:
 * callers pad the last batch with rows of weight 0, which add nothing to the gradient.
 */

const IR_VERSION = 8;
const OPSET = 13;
const f32 = (name: string, dims: readonly number[]): OnnxValueInfo => ({ name, elemType: DataType.FLOAT, dims });
const node = (opType: string, inputs: string[], output: string, attributes?: OnnxNode['attributes']): OnnxNode => ({
  opType,
  name: output,
  inputs,
  outputs: [output],
  attributes,
});

/** ReduceSum's axes (an input since opset 13): the batch axis. */
const BATCH_AXIS: OnnxInitializer = { name: 'batch_axis', dataType: DataType.INT64, dims: [1], raw: new Uint8Array(BigInt64Array.of(0n).buffer) };

function model(name: string, nodes: OnnxNode[], inputs: OnnxValueInfo[], outputs: OnnxValueInfo[], initializers: OnnxInitializer[] = []): Uint8Array {
  return encodeModel({ irVersion: IR_VERSION, opset: OPSET, producer: 'wanwu-training', graph: { name, nodes, initializers, inputs, outputs } });
}

/** sigmoid(x·w + b + offset): batch × tags. */
function scoreGraph(batch: number, dims: number, tags: number): Uint8Array {
  return model(
    'scores',
    [node('Gemm', ['x', 'w', 'b'], 'own'), node('Add', ['own', 'offset'], 'logits'), node('Sigmoid', ['logits'], 'scores')],
    [f32('x', [batch, dims]), f32('w', [dims, tags]), f32('b', [tags]), f32('offset', [batch, tags])],
    [f32('scores', [batch, tags])],
  );
}

/**
 * The weighted logistic loss's gradient pieces: g = weight ⊙ (sigmoid(x·w + b + offset) − target),
 * then xᵀ·g (dims × tags) and the column sums of g (tags). The offset is a correction column's base
 * log-odds (./dataset.ts), 0 elsewhere.
 */
function gradientGraph(batch: number, dims: number, tags: number): Uint8Array {
  return model(
    'gradient',
    [
      node('Gemm', ['x', 'w', 'b'], 'own'),
      node('Add', ['own', 'offset'], 'logits'),
      node('Sigmoid', ['logits'], 'scores'),
      node('Sub', ['scores', 'target'], 'error'),
      node('Mul', ['error', 'weight'], 'g'),
      node('Gemm', ['x', 'g'], 'xg', [{ name: 'transA', kind: 'int', value: 1 }]),
      node('ReduceSum', ['g', BATCH_AXIS.name], 'gsum', [{ name: 'keepdims', kind: 'int', value: 0 }]),
    ],
    [f32('x', [batch, dims]), f32('w', [dims, tags]), f32('b', [tags]), f32('target', [batch, tags]), f32('weight', [batch, tags]), f32('offset', [batch, tags])],
    [f32('xg', [dims, tags]), f32('gsum', [tags])],
    [BATCH_AXIS],
  );
}

const backend = createNodeBackend();

export interface GradientKernel {
  readonly batch: number;
  /** x: batch × dims, w: dims × tags, b: tags, target, weight and offset: batch × tags. */
  run(x: Float32Array, w: Float32Array, b: Float32Array, target: Float32Array, weight: Float32Array, offset: Float32Array): Promise<{ xg: Float32Array; gsum: Float32Array }>;
  release(): Promise<void>;
}

export async function createGradientKernel(batch: number, dims: number, tags: number): Promise<GradientKernel> {
  const session = await backend.createSession(gradientGraph(batch, dims, tags));
  return {
    batch,
    async run(x, w, b, target, weight, offset) {
      const out = await session.run({
        x: { data: x, dims: [batch, dims] },
        w: { data: w, dims: [dims, tags] },
        b: { data: b, dims: [tags] },
        target: { data: target, dims: [batch, tags] },
        weight: { data: weight, dims: [batch, tags] },
        offset: { data: offset, dims: [batch, tags] },
      });
      return { xg: out.xg.data, gsum: out.gsum.data };
    },
    release: () => session.release(),
  };
}

const SCORE_BATCH = 4096;

/**
 * A head's scores for some rows of a row-major sample matrix: rows.length × head.tags.length.
 * `offset` (rows.length × head.tags.length, in the order of `rows`): log-odds added per cell, or none.
 */
export async function scoreRows(head: TagHead, x: Float32Array, rows: readonly number[], offset: Float32Array | null = null): Promise<Float32Array> {
  const { dims } = head;
  const tags = head.tags.length;
  const out = new Float32Array(rows.length * tags);
  if (rows.length === 0 || tags === 0) return out;
  const batch = Math.min(SCORE_BATCH, rows.length);
  const session = await backend.createSession(scoreGraph(batch, dims, tags));
  try {
    const w = { data: head.weights, dims: [dims, tags] };
    const b = { data: head.bias, dims: [tags] };
    const xb = new Float32Array(batch * dims);
    const ob = new Float32Array(batch * tags);
    for (let start = 0; start < rows.length; start += batch) {
      const count = Math.min(batch, rows.length - start);
      gatherRows(x, dims, rows, start, count, xb);
      if (offset) ob.set(offset.subarray(start * tags, (start + count) * tags));
      ob.fill(0, offset ? count * tags : 0);
      const { scores } = await session.run({ x: { data: xb, dims: [batch, dims] }, w, b, offset: { data: ob, dims: [batch, tags] } });
      out.set(scores.data.subarray(0, count * tags), start * tags);
    }
    return out;
  } finally {
    await session.release();
  }
}

/** Copies rows[start … start + count) of a row-major matrix into `into`, zero-filling the rest. */
export function gatherRows(matrix: Float32Array, width: number, rows: readonly number[], start: number, count: number, into: Float32Array): void {
  for (let i = 0; i < count; i++) {
    const row = rows[start + i];
    into.set(matrix.subarray(row * width, (row + 1) * width), i * width);
  }
  into.fill(0, count * width);
}
