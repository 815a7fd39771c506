import { describe, expect, it } from 'vitest';
import { decodeWeights, type TfWeightSpec } from './tfjs-graph.ts';

describe('TF.js weight decoding', () => {
  it('decodes float16, uint8 and uint16 (min/scale) and plain weights in manifest order', () => {
    const specs: TfWeightSpec[] = [
      { name: 'half', shape: [2], dtype: 'float32', quantization: { dtype: 'float16' } },
      { name: 'u8', shape: [3], dtype: 'float32', quantization: { dtype: 'uint8', min: -1, scale: 0.5 } },
      { name: 'u16', shape: [2], dtype: 'float32', quantization: { dtype: 'uint16', min: 10, scale: 0.25 } },
      { name: 'int', shape: [2], dtype: 'int32' },
      { name: 'f32', shape: [1], dtype: 'float32' },
    ];
    const bytes = new Uint8Array([
      ...new Uint8Array(Uint16Array.of(0x3c00, 0xc000).buffer),
      0, 2, 255,
      ...new Uint8Array(Uint16Array.of(0, 400).buffer),
      ...new Uint8Array(Int32Array.of(-1, 128).buffer),
      ...new Uint8Array(Float32Array.of(0.1).buffer),
    ]);
    const consts = decodeWeights(specs, bytes);
    expect(consts.get('half')).toEqual({ dtype: 'float32', shape: [2], data: Float32Array.of(1, -2), storedAsFloat16: true });
    expect(Array.from(consts.get('u8')!.data)).toEqual([-1, 0, 126.5]);
    expect(Array.from(consts.get('u16')!.data)).toEqual([10, 110]);
    expect(consts.get('int')!.data).toEqual(Int32Array.of(-1, 128));
    expect(consts.get('f32')!.data).toEqual(Float32Array.of(0.1));
    expect(consts.get('u8')!.storedAsFloat16).toBe(false);
  });

  it('refuses weight data that ends early', () => {
    expect(() => decodeWeights([{ name: 'w', shape: [4], dtype: 'float32' }], new Uint8Array(8))).toThrow(/before w/);
  });
});
