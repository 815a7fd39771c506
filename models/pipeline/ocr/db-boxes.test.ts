import { describe, expect, it } from 'vitest';
import { dbBoxes, meanInside, regionOutlines } from './db-boxes.ts';
import { quadSize } from './quad.ts';

const options = { binaryThreshold: 0.3, boxThreshold: 0.6, unclipRatio: 1.5 };

/** A width×height map with `value` over the given pixel rectangles (x0..x1, y0..y1 inclusive). */
function map(width: number, height: number, blocks: [number, number, number, number, number][]): Float32Array {
  const data = new Float32Array(width * height);
  for (const [x0, y0, x1, y1, value] of blocks) {
    for (let y = y0; y <= y1; y++) for (let x = x0; x <= x1; x++) data[y * width + x] = value;
  }
  return data;
}

describe('regionOutlines', () => {
  it('separates regions and joins diagonal neighbours (8-connected)', () => {
    const data = map(10, 6, [[0, 0, 1, 1, 1], [2, 2, 2, 2, 1], [7, 0, 9, 5, 1]]);
    expect(regionOutlines(data, 10, 6, 0.3)).toHaveLength(2);
  });
});

describe('dbBoxes', () => {
  it('finds a text line as its kernel grown by the unclip distance', () => {
    // A 41×9 kernel (pixel centres span 40×8): unclip distance = 320 × 1.5 / 96 = 5.
    const data = map(80, 30, [[10, 10, 50, 18, 0.9]]);
    const [box, ...more] = dbBoxes(data, 80, 30, options);
    expect(more).toEqual([]);
    expect(box.score).toBeCloseTo(0.9);
    expect(box.quad.map((p) => p.map((v) => Math.round(v * 100) / 100))).toEqual([[5, 5], [55, 5], [55, 23], [5, 23]]);
  });

  it('drops faint regions (box score) and specks (thinner than 3 pixels)', () => {
    const data = map(80, 30, [[5, 5, 40, 12, 0.45], [50, 5, 70, 6, 1], [50, 15, 75, 25, 0.95]]);
    const boxes = dbBoxes(data, 80, 30, options);
    expect(boxes).toHaveLength(1);
    expect(quadSize(boxes[0].quad).width).toBeGreaterThan(25);
  });

  it('finds nothing in an empty map', () => {
    expect(dbBoxes(new Float32Array(64), 8, 8, options)).toEqual([]);
  });
});

describe('meanInside', () => {
  it('averages the map over the quad only', () => {
    const data = map(10, 10, [[0, 0, 4, 9, 1]]);
    expect(meanInside(data, 10, 10, [[0, 0], [4, 0], [4, 9], [0, 9]])).toBe(1);
    expect(meanInside(data, 10, 10, [[0, 0], [9, 0], [9, 9], [0, 9]])).toBeCloseTo(0.5);
  });
});
