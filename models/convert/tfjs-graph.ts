import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { decodeFloat16 } from './float16.ts';

/** The parts of a TF.js graph model (`model.json`) the converter reads. */

export interface TfAttrValue {
  s?: string;
  i?: string;
  f?: number;
  b?: boolean;
  type?: string;
  list?: { s?: string[]; i?: string[]; f?: number[] };
  shape?: { dim?: { size: string }[] };
}

export interface TfNode {
  name: string;
  op: string;
  input?: string[];
  attr?: Record<string, TfAttrValue>;
}

export interface TfWeightSpec {
  name: string;
  shape: number[];
  dtype: 'float32' | 'int32' | 'bool';
  quantization?: { dtype: 'float16' | 'uint8' | 'uint16'; min?: number; scale?: number };
}

export interface TfModelJson {
  format?: string;
  modelTopology: { node: TfNode[] };
  weightsManifest: { paths: string[]; weights: TfWeightSpec[] }[];
}

/**
 * A constant as the converter sees it: float values decoded to float32, plus whether the source
 * stored them as float16 (then writing them back as float16 loses nothing).
 */
export interface ConstTensor {
  dtype: 'float32' | 'int32';
  shape: number[];
  data: Float32Array | Int32Array;
  storedAsFloat16: boolean;
}

export interface TfGraph {
  nodes: Map<string, TfNode>;
  consts: Map<string, ConstTensor>;
}

const bytesPerElement = { float16: 2, uint8: 1, uint16: 2, float32: 4, int32: 4, bool: 1 } as const;

/** Decodes the concatenated weight files in manifest order. */
export function decodeWeights(specs: readonly TfWeightSpec[], data: Uint8Array): Map<string, ConstTensor> {
  const consts = new Map<string, ConstTensor>();
  let offset = 0;
  for (const spec of specs) {
    const count = spec.shape.reduce((a, b) => a * b, 1);
    const stored = spec.quantization?.dtype ?? spec.dtype;
    const byteLength = count * bytesPerElement[stored];
    if (offset + byteLength > data.byteLength) throw new Error(`weights end before ${spec.name}`);
    // Copy so typed views are aligned whatever the offset.
    const bytes = data.slice(offset, offset + byteLength);
    offset += byteLength;
    consts.set(spec.name, decodeOne(spec, stored, bytes));
  }
  return consts;
}

function decodeOne(spec: TfWeightSpec, stored: keyof typeof bytesPerElement, bytes: Uint8Array): ConstTensor {
  const shape = spec.shape;
  const { min = 0, scale = 1 } = spec.quantization ?? {};
  switch (stored) {
    case 'float16':
      return { dtype: 'float32', shape, data: decodeFloat16(new Uint16Array(bytes.buffer)), storedAsFloat16: true };
    case 'uint8':
    case 'uint16': {
      const quantized = stored === 'uint8' ? bytes : new Uint16Array(bytes.buffer);
      const values = Float32Array.from(quantized, (q) => q * scale + min);
      if (spec.dtype === 'int32') return { dtype: 'int32', shape, data: Int32Array.from(values, Math.round), storedAsFloat16: false };
      return { dtype: 'float32', shape, data: values, storedAsFloat16: false };
    }
    case 'float32':
      return { dtype: 'float32', shape, data: new Float32Array(bytes.buffer), storedAsFloat16: false };
    case 'int32':
      return { dtype: 'int32', shape, data: new Int32Array(bytes.buffer), storedAsFloat16: false };
    case 'bool':
      return { dtype: 'int32', shape, data: Int32Array.from(bytes), storedAsFloat16: false };
  }
}

export function parseTfjsGraph(json: TfModelJson, weightData: Uint8Array): TfGraph {
  const specs = json.weightsManifest.flatMap((group) => group.weights);
  return {
    nodes: new Map(json.modelTopology.node.map((node) => [node.name, node])),
    consts: decodeWeights(specs, weightData),
  };
}

/** Reads `model.json` and the weight files it names from the same folder. */
export async function readTfjsModel(modelJsonPath: string): Promise<{ json: TfModelJson; weightData: Uint8Array }> {
  const json = JSON.parse(await readFile(modelJsonPath, 'utf8')) as TfModelJson;
  const folder = dirname(modelJsonPath);
  const parts = await Promise.all(
    json.weightsManifest.flatMap((group) => group.paths).map((path) => readFile(resolve(folder, path))),
  );
  return { json, weightData: new Uint8Array(Buffer.concat(parts)) };
}

// Attribute readers: TF.js JSON stores strings base64-encoded and int64 as decimal strings.

export function attrString(node: TfNode, key: string, fallback?: string): string {
  const value = node.attr?.[key]?.s;
  if (value === undefined) {
    if (fallback === undefined) throw new Error(`${node.op} ${node.name}: missing attribute ${key}`);
    return fallback;
  }
  return Buffer.from(value, 'base64').toString('utf8');
}

export function attrInts(node: TfNode, key: string, fallback: number[]): number[] {
  return node.attr?.[key]?.list?.i?.map(Number) ?? fallback;
}

export function attrStrings(node: TfNode, key: string): string[] {
  return (node.attr?.[key]?.list?.s ?? []).map((s) => Buffer.from(s, 'base64').toString('utf8'));
}

export function attrBool(node: TfNode, key: string): boolean {
  return node.attr?.[key]?.b ?? false;
}
