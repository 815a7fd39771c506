import { encodeFloat16 } from './float16.ts';
import { DataType, type OnnxAttribute, type OnnxInitializer, type OnnxNode } from './onnx-writer.ts';
import type { ConstTensor } from './tfjs-graph.ts';

/**
 * A converted tensor. `shape` is always the TF (NHWC) logical shape; a 4-D tensor may be stored
 * NCHW in the ONNX graph, and Transposes are inserted only where an op needs the other layout.
 */
export interface Value {
  name: string;
  shape: readonly number[];
  nchw: boolean;
}

export const toNchw = [0, 3, 1, 2] as const;
export const toNhwc = [0, 2, 3, 1] as const;

export function storedDims(value: Value): number[] {
  return value.nchw ? toNchw.map((axis) => value.shape[axis]) : [...value.shape];
}

/** Reorders a constant's elements: output axis i is input axis perm[i]. */
export function permute(data: Float32Array, shape: readonly number[], perm: readonly number[]): Float32Array {
  const rank = shape.length;
  const inStrides = new Array<number>(rank).fill(1);
  for (let axis = rank - 2; axis >= 0; axis--) inStrides[axis] = inStrides[axis + 1] * shape[axis + 1];
  const outShape = perm.map((axis) => shape[axis]);
  const strides = perm.map((axis) => inStrides[axis]);
  const out = new Float32Array(data.length);
  const index = new Array<number>(rank).fill(0);
  for (let o = 0; o < out.length; o++) {
    let source = 0;
    for (let axis = 0; axis < rank; axis++) source += index[axis] * strides[axis];
    out[o] = data[source];
    for (let axis = rank - 1; axis >= 0 && ++index[axis] === outShape[axis]; axis--) index[axis] = 0;
  }
  return out;
}

function rawBytes(array: Uint16Array | Float32Array | Int32Array | BigInt64Array): Uint8Array {
  return new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
}

/** Collects nodes and initializers; every initializer is registered on first use, so none is dead. */
export class GraphBuilder {
  readonly nodes: OnnxNode[] = [];
  readonly initializers: OnnxInitializer[] = [];
  private readonly cache = new Map<string, string>();
  private readonly usedNames = new Set<string>();

  uniqueName(base: string): string {
    let name = base;
    for (let n = 1; this.usedNames.has(name); n++) name = `${base}_${n}`;
    this.usedNames.add(name);
    return name;
  }

  node(opType: string, inputs: readonly string[], outputName: string, attributes?: OnnxAttribute[]): string {
    const output = this.uniqueName(outputName);
    this.nodes.push({ opType, name: output, inputs, outputs: [output], attributes });
    return output;
  }

  /** A float constant under `key`; a float16 source stays float16 on disk and is Cast at load. */
  floatConst(key: string, dims: readonly number[], values: Float32Array, storedAsFloat16: boolean): string {
    return this.cached(key, () => {
      if (!storedAsFloat16) return this.initializer(key, DataType.FLOAT, dims, rawBytes(values));
      const half = this.initializer(`${key}_f16`, DataType.FLOAT16, dims, rawBytes(encodeFloat16(values)));
      return this.node('Cast', [half], key, [{ name: 'to', kind: 'int', value: DataType.FLOAT }]);
    });
  }

  weight(key: string, tensor: ConstTensor, dims: readonly number[], values = tensor.data as Float32Array): string {
    if (tensor.dtype !== 'float32') throw new Error(`${key}: expected float weights, got ${tensor.dtype}`);
    return this.floatConst(key, dims, values, tensor.storedAsFloat16);
  }

  int64Const(values: readonly number[]): string {
    const key = `const_i64_${values.join('_')}`;
    return this.cached(key, () =>
      this.initializer(key, DataType.INT64, [values.length], rawBytes(BigInt64Array.from(values, BigInt))),
    );
  }

  scalar(value: number): string {
    const key = `const_f32_${value}`;
    return this.cached(key, () => this.initializer(key, DataType.FLOAT, [], rawBytes(Float32Array.of(value))));
  }

  /** The same tensor in the requested layout, transposing once and reusing the result. */
  layout(value: Value, nchw: boolean): Value {
    if (value.shape.length !== 4 || value.nchw === nchw) return value;
    const name = this.cached(`${value.name}:${nchw ? 'nchw' : 'nhwc'}`, () =>
      this.node('Transpose', [value.name], `${value.name}/${nchw ? 'to_nchw' : 'to_nhwc'}`, [
        { name: 'perm', kind: 'ints', value: nchw ? toNchw : toNhwc },
      ]),
    );
    return { name, shape: value.shape, nchw };
  }

  private initializer(name: string, dataType: DataType, dims: readonly number[], raw: Uint8Array): string {
    const unique = this.uniqueName(name);
    this.initializers.push({ name: unique, dataType, dims, raw });
    return unique;
  }

  private cached(key: string, make: () => string): string {
    let name = this.cache.get(key);
    if (name === undefined) {
      name = make();
      this.cache.set(key, name);
    }
    return name;
  }
}
