import { describe, expect, it } from 'vitest';
import type { OcrNormalise } from '../manifest.ts';
import type { Quad } from './quad.ts';
import { uprightImage, warpQuad } from './warp.ts';

/** Raw 0–255 values, channels as stored. */
const identity: OcrNormalise = { channels: 'RGB', scale: 1, mean: [0, 0, 0], std: [1, 1, 1] };

/** A 3×2 stored image whose red channel numbers its pixels 0..5 (green 100, blue 200). */
const image = {
  width: 3,
  height: 2,
  data: new Uint8Array([0, 1, 2, 3, 4, 5].flatMap((i) => [i, 100, 200, 255])),
};
const whole = (w: number, h: number): Quad => [[0, 0], [w, 0], [w, h], [0, h]];
const red = (tensor: Float32Array, count: number) => [...tensor.subarray(0, count)];

describe('warpQuad', () => {
  it('copies pixels one to one for the photo itself', () => {
    const out = warpQuad(uprightImage(image, 1), whole(3, 2), { width: 3, height: 2, stride: 3 }, identity);
    expect(red(out, 6)).toEqual([0, 1, 2, 3, 4, 5]);
    expect([out[6], out[12]]).toEqual([100, 200]);
  });

  it('reads the photo upright by its EXIF orientation (6: turned a quarter clockwise)', () => {
    const upright = uprightImage(image, 6);
    expect([upright.width, upright.height]).toEqual([2, 3]);
    const out = warpQuad(upright, whole(2, 3), { width: 2, height: 3, stride: 2 }, identity);
    expect(red(out, 6)).toEqual([3, 0, 4, 1, 5, 2]);
  });

  it('turns the crop by the corner order: starting from the top-right reads a quarter turn anticlockwise', () => {
    const out = warpQuad(uprightImage(image, 1), [[3, 0], [3, 2], [0, 2], [0, 0]], { width: 2, height: 3, stride: 2 }, identity);
    expect(red(out, 6)).toEqual([2, 5, 1, 4, 0, 3]);
  });

  it('normalises in BGR order and leaves padding columns at 0', () => {
    const bgr: OcrNormalise = { channels: 'BGR', scale: 1 / 255, mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5] };
    const out = warpQuad(uprightImage(image, 1), whole(3, 2), { width: 3, height: 2, stride: 5 }, bgr);
    const plane = 10;
    expect(out[0]).toBeCloseTo((200 / 255 - 0.5) / 0.5); // blue first
    expect(out[2 * plane]).toBeCloseTo(-1); // red of pixel 0 is 0
    expect([out[3], out[4], out[8], out[9]]).toEqual([0, 0, 0, 0]);
  });

  it('fills outside the photo with the given colour, or repeats the edge without one', () => {
    const frame: Quad = [[-1, 0], [3, 0], [3, 2], [-1, 2]];
    const target = { width: 4, height: 2, stride: 4 };
    expect(red(warpQuad(uprightImage(image, 1), frame, target, identity, [9, 9, 9]), 4)).toEqual([9, 0, 1, 2]);
    expect(red(warpQuad(uprightImage(image, 1), frame, target, identity), 4)).toEqual([0, 0, 1, 2]);
  });
});
