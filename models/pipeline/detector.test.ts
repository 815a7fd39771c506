import { describe, expect, it } from 'vitest';
import type { Tensor } from './backend.ts';
import { type Detection, decodeDetections, nmsPerClass } from './detector.ts';

// Hand-made heatmaps are mostly zero plateaus, which are peaks too: minScore keeps them out.
const options = { stride: 4, sizeScale: 16, layout: 'NCHW' as const, minScore: 0.01 };

/** An NCHW [1, C, H, W] tensor with the given cells set: [c, y, x, value]. */
function nchw(classes: number, height: number, width: number, cells: [number, number, number, number][] = []): Tensor {
  const data = new Float32Array(classes * height * width);
  for (const [c, y, x, value] of cells) data[(c * height + y) * width + x] = value;
  return { data, dims: [1, classes, height, width] };
}

function toNhwc(tensor: Tensor): Tensor {
  const [, c, h, w] = tensor.dims;
  const data = new Float32Array(tensor.data.length);
  for (let k = 0; k < c; k++) for (let i = 0; i < h * w; i++) data[i * c + k] = tensor.data[k * h * w + i];
  return { data, dims: [1, h, w, c] };
}

const cells = (detections: Detection[]) => detections.map((d) => [d.classIndex, d.score]);

describe('decodeDetections', () => {
  it('turns a peak into a box around its cell, as the TF graph does (x*4 -/+ sizes*16)', () => {
    const heatmap = nchw(3, 5, 6, [[2, 1, 3, 0.9]]);
    const sizes = nchw(4, 5, 6, [[0, 1, 3, 1], [1, 1, 3, 2], [2, 1, 3, 3], [3, 1, 3, 4]]);
    const expected = [{ classIndex: 2, score: Math.fround(0.9), x1: 12 - 16, y1: 4 - 32, x2: 12 + 48, y2: 4 + 64 }];
    expect(decodeDetections(heatmap, sizes, options)).toEqual(expected);
    expect(decodeDetections(toNhwc(heatmap), toNhwc(sizes), { ...options, layout: 'NHWC' })).toEqual(expected);
  });

  it('keeps only cells that are the max of their 3x3 neighbourhood, borders included', () => {
    const heatmap = nchw(2, 5, 5, [
      [0, 2, 2, 0.9],
      [0, 2, 3, 0.8], // beside the peak
      [0, 3, 3, 0.7], // diagonal to it
      [0, 0, 0, 0.3], // a corner peak
      [1, 2, 3, 0.6], // same cell as a non-peak, but alone in its class
    ]);
    expect(cells(decodeDetections(heatmap, nchw(4, 5, 5), options))).toEqual([
      [0, Math.fround(0.9)],
      [1, Math.fround(0.6)],
      [0, Math.fround(0.3)],
    ]);
  });

  it('keeps every cell of a plateau, ties in TF TopK order (row, column, then class)', () => {
    const heatmap = nchw(2, 3, 4, [
      [1, 0, 1, 0.5],
      [0, 0, 2, 0.5],
      [1, 0, 2, 0.5],
      [0, 1, 0, 0.5],
    ]);
    const found = decodeDetections(heatmap, nchw(4, 3, 4), options).map((d) => [d.classIndex, d.x1 / 4, d.y1 / 4]);
    expect(found).toEqual([
      [1, 1, 0],
      [0, 2, 0],
      [1, 2, 0],
      [0, 0, 1],
    ]);
  });

  it('drops peaks below minScore and keeps only the top K, best first', () => {
    const heatmap = nchw(1, 9, 9, [
      [0, 0, 0, 0.1],
      [0, 0, 4, 0.5],
      [0, 4, 0, 0.7],
      [0, 4, 4, 0.3],
      [0, 8, 8, 0.9],
    ]);
    const sizes = nchw(4, 9, 9);
    expect(cells(decodeDetections(heatmap, sizes, { ...options, minScore: 0.2 })).map(([, s]) => s)).toEqual(
      [0.9, 0.7, 0.5, 0.3].map(Math.fround),
    );
    expect(cells(decodeDetections(heatmap, sizes, { ...options, topK: 2 })).map(([, s]) => s)).toEqual([0.9, 0.7].map(Math.fround));
  });

  it('agrees with a plain max-pool + full sort on a random heatmap', () => {
    const [classes, h, w] = [7, 20, 24];
    let seed = 12345;
    const heatmap = nchw(classes, h, w);
    heatmap.data.forEach((_, i) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      heatmap.data[i] = Math.floor((seed / 2 ** 31) * 50) / 50; // coarse values: many ties and plateaus
    });
    const at = (c: number, y: number, x: number) => heatmap.data[(c * h + y) * w + x];
    const peaks: [number, number, number][] = [];
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++)
        for (let c = 0; c < classes; c++) {
          let max = -Infinity;
          for (let dy = -1; dy <= 1; dy++)
            for (let dx = -1; dx <= 1; dx++) if (y + dy >= 0 && y + dy < h && x + dx >= 0 && x + dx < w) max = Math.max(max, at(c, y + dy, x + dx));
          if (at(c, y, x) === max) peaks.push([at(c, y, x), c, y * w + x]);
        }
    const expected = peaks.sort((a, b) => b[0] - a[0]).slice(0, 40).map(([score, c]) => [c, score]);
    expect(cells(decodeDetections(heatmap, nchw(4, h, w), { ...options, minScore: undefined, topK: 40 }))).toEqual(expected);
  });
});

describe('nmsPerClass', () => {
  const box = (classIndex: number, score: number, x1: number, x2 = x1 + 10): Detection => ({ classIndex, score, x1, y1: 0, x2, y2: 10 });

  it('drops a box overlapping a better one of the same class, keeps other classes', () => {
    const kept = nmsPerClass([box(0, 0.5, 2), box(0, 0.9, 0), box(1, 0.8, 1), box(0, 0.4, 20)], 0.4);
    expect(kept).toEqual([box(0, 0.9, 0), box(1, 0.8, 1), box(0, 0.4, 20)]);
  });

  it('suppresses only above the IoU threshold and caps each class', () => {
    // IoU of [0,10] and [5,15] is 5/15 = 1/3.
    expect(nmsPerClass([box(0, 0.9, 0), box(0, 0.8, 5)], 1 / 3)).toHaveLength(2);
    expect(nmsPerClass([box(0, 0.9, 0), box(0, 0.8, 5)], 0.3)).toHaveLength(1);
    const many = [0, 20, 40, 60].map((x, i) => box(i % 2, 0.9 - i / 10, x));
    expect(nmsPerClass(many, 0.5, 1)).toEqual([many[0], many[1]]);
  });
});
