import { describe, expect, it } from 'vitest';
import { floatToHalf } from './float16.ts';
import { DataType, encodeModel, type OnnxInitializer, type OnnxModel } from './onnx-writer.ts';
import { loadWarnings, runOnnx } from './ort-run.ts';

const bytes = (array: Uint16Array | Int32Array | BigInt64Array) => new Uint8Array(array.buffer);

/** y = concat(s, s) on axis -1 where s = reshape(x, [-1]) + cast(float16 [0.5, -2, 3, 1/6]) * 3. */
function tinyModel(extraInitializers: OnnxInitializer[] = []): OnnxModel {
  return {
    irVersion: 8,
    opset: 17,
    producer: 'test',
    graph: {
      name: 'tiny',
      inputs: [{ name: 'x', elemType: DataType.FLOAT, dims: [2, 2] }],
      outputs: [{ name: 'y', elemType: DataType.FLOAT, dims: [8] }],
      initializers: [
        { name: 'w16', dataType: DataType.FLOAT16, dims: [4], raw: bytes(Uint16Array.from([0.5, -2, 3, 1 / 6], floatToHalf)) },
        { name: 'shape', dataType: DataType.INT64, dims: [1], raw: bytes(BigInt64Array.of(-1n)) },
        { name: 'three', dataType: DataType.FLOAT, dims: [], raw: new Uint8Array(Float32Array.of(3).buffer) },
        ...extraInitializers,
      ],
      nodes: [
        { opType: 'Cast', name: 'cast', inputs: ['w16'], outputs: ['w'], attributes: [{ name: 'to', kind: 'int', value: DataType.FLOAT }] },
        { opType: 'Mul', name: 'mul', inputs: ['w', 'three'], outputs: ['w3'] },
        { opType: 'Reshape', name: 'flat', inputs: ['x', 'shape'], outputs: ['xf'] },
        { opType: 'Add', name: 'add', inputs: ['xf', 'w3'], outputs: ['sum'] },
        { opType: 'Concat', name: 'cat', inputs: ['sum', 'sum'], outputs: ['y'], attributes: [{ name: 'axis', kind: 'int', value: -1 }] },
      ],
    },
  };
}

describe('ONNX writer', () => {
  it('writes a model onnxruntime loads silently and runs correctly (float16, int64, negative ints)', async () => {
    const model = encodeModel(tinyModel());
    expect(loadWarnings(model)).toBe('');
    const { y } = await runOnnx(model, { x: { data: Float32Array.of(1, 2, 3, 4), dims: [2, 2] } });
    const expected = [1 + 1.5, 2 - 6, 3 + 9, 4 + 3 * 0.1666259765625];
    expect(y.dims).toEqual([8]);
    expect(Array.from(y.data)).toEqual([...expected, ...expected].map(Math.fround));
  });

  it('the load check hears onnxruntime complain about an unused initializer', () => {
    const dead = { name: 'dead', dataType: DataType.FLOAT, dims: [1], raw: new Uint8Array(4) } as const;
    expect(loadWarnings(encodeModel(tinyModel([dead])))).toMatch(/Removing initializer 'dead'/);
  });
});
