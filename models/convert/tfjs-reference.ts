import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { floatToHalf } from './float16.ts';
import type { TfAttrValue, TfModelJson, TfNode, TfWeightSpec } from './tfjs-graph.ts';

/**
 * Test-time reference: TF.js itself (wasm backend, which matches the TF graph to ~5e-7), and a
 * builder for tiny TF.js graph models so each op mapping can be checked against it.
 */

let ready: Promise<typeof tf> | undefined;

export function tfjsWasm(): Promise<typeof tf> {
  ready ??= (async () => {
    const wasm = createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm');
    setWasmPaths(`${dirname(wasm)}/`);
    await tf.setBackend('wasm');
    return tf;
  })();
  return ready;
}

export async function loadTfjsGraph(json: TfModelJson, weightData: Uint8Array): Promise<tf.GraphModel> {
  await tfjsWasm();
  const weightSpecs = json.weightsManifest.flatMap((group) => group.weights) as tf.io.WeightsManifestEntry[];
  const buffer = weightData.buffer.slice(weightData.byteOffset, weightData.byteOffset + weightData.byteLength) as ArrayBuffer;
  return tf.loadGraphModel({
    // TF.js reads versions.producer, which our own tiny graphs have no reason to carry.
    load: async () => ({ modelTopology: { versions: {}, ...json.modelTopology }, format: 'graph-model', weightSpecs, weightData: buffer }),
  });
}

const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

/** TF.js JSON attribute encodings. */
export const attr = {
  str: (text: string): TfAttrValue => ({ s: b64(text) }),
  strs: (texts: string[]): TfAttrValue => ({ list: { s: texts.map(b64) } }),
  ints: (values: number[]): TfAttrValue => ({ list: { i: values.map(String) } }),
  int: (value: number): TfAttrValue => ({ i: String(value) }),
  bool: (value: boolean): TfAttrValue => ({ b: value }),
  float: (): TfAttrValue => ({ type: 'DT_FLOAT' }),
};

/** Builds a TF.js graph model in memory; float constants are stored float16-quantized like human's. */
export class TinyGraph {
  private readonly nodes: TfNode[] = [];
  private readonly weights: TfWeightSpec[] = [];
  private readonly chunks: Uint8Array[] = [];

  placeholder(name: string, shape: number[]): string {
    this.nodes.push({
      name,
      op: 'Placeholder',
      attr: { dtype: attr.float(), shape: { shape: { dim: shape.map((size) => ({ size: String(size) })) } } },
    });
    return name;
  }

  floats(name: string, shape: number[], values: ArrayLike<number>): string {
    const halves = Uint16Array.from(values, floatToHalf);
    this.weights.push({ name, shape, dtype: 'float32', quantization: { dtype: 'float16' } });
    this.chunks.push(new Uint8Array(halves.buffer));
    return this.constNode(name, 'DT_FLOAT');
  }

  ints(name: string, values: number[], shape = [values.length]): string {
    this.weights.push({ name, shape, dtype: 'int32' });
    this.chunks.push(new Uint8Array(Int32Array.from(values).buffer));
    return this.constNode(name, 'DT_INT32');
  }

  op(name: string, op: string, input: string[], attrs: Record<string, TfAttrValue> = {}): string {
    this.nodes.push({ name, op, input, attr: { T: attr.float(), ...attrs } });
    return name;
  }

  model(): { json: TfModelJson; weightData: Uint8Array } {
    const weightData = new Uint8Array(this.chunks.reduce((n, chunk) => n + chunk.byteLength, 0));
    this.chunks.reduce((offset, chunk) => (weightData.set(chunk, offset), offset + chunk.byteLength), 0);
    return {
      json: { format: 'graph-model', modelTopology: { node: this.nodes }, weightsManifest: [{ paths: ['weights.bin'], weights: this.weights }] },
      weightData,
    };
  }

  private constNode(name: string, type: string): string {
    this.nodes.push({ name, op: 'Const', attr: { dtype: { type }, value: {} } });
    return name;
  }
}

/** Deterministic pseudo-random values in [-1, 1), so failures reproduce. */
export function randomValues(count: number, seed: number): Float32Array {
  let state = seed >>> 0 || 1;
  return Float32Array.from({ length: count }, () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 2 ** 31 - 1;
  });
}
