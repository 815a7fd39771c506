import { describe, expect, it } from 'vitest';
import { decodeFloat16, encodeFloat16, floatToHalf, halfToFloat } from './float16.ts';

describe('float16', () => {
  it('decodes normal, subnormal and special values', () => {
    expect(halfToFloat(0x3c00)).toBe(1);
    expect(halfToFloat(0xc000)).toBe(-2);
    expect(halfToFloat(0x3555)).toBe(0.333251953125);
    expect(halfToFloat(0x7bff)).toBe(65504);
    expect(halfToFloat(0x0001)).toBe(2 ** -24);
    expect(halfToFloat(0x03ff)).toBe(1023 * 2 ** -24);
    expect(Object.is(halfToFloat(0x8000), -0)).toBe(true);
    expect(halfToFloat(0xfc00)).toBe(-Infinity);
    expect(halfToFloat(0x7e00)).toBeNaN();
  });

  it('reads the 1/6 that hard-swish stores in CenterNet as 0.1666259765625', () => {
    expect(decodeFloat16(Uint16Array.of(0x3155))).toEqual(Float32Array.of(0.1666259765625));
  });

  it('encodes every finite half back to the same bits (so fp16 storage is lossless)', () => {
    const halves = Uint16Array.from({ length: 0x10000 }, (_, i) => i).filter((h) => (h & 0x7c00) !== 0x7c00);
    expect(encodeFloat16(decodeFloat16(halves))).toEqual(halves);
  });

  it('rounds other floats to the nearest half, ties to even, overflowing to infinity', () => {
    expect(floatToHalf(1 + 2 ** -11)).toBe(0x3c00); // tie: stays even
    expect(floatToHalf(1 + 3 * 2 ** -11)).toBe(0x3c02); // tie: rounds up to even
    expect(floatToHalf(1 / 6)).toBe(0x3155);
    expect(floatToHalf(65520)).toBe(0x7c00);
    expect(floatToHalf(2 ** -25)).toBe(0); // tie between 0 and the smallest subnormal
    expect(floatToHalf(1.5 * 2 ** -25)).toBe(1);
    expect(floatToHalf(NaN) & 0x7e00).toBe(0x7e00);
  });
});
