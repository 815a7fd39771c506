import { growRect, insideQuad, minAreaRect, orderCorners, rectCorners, rectHeight, rectWidth, type Point, type Quad } from './quad.ts';

/** PaddleOCR's DBPostProcess settings, as the PP-OCR inference tools use them. */
export interface DbOptions {
  /** A map pixel is text when its probability is above this. */
  binaryThreshold: number;
  /** A box is kept when the mean probability inside it is at least this. */
  boxThreshold: number;
  /** How far the shrunk text kernel grows back: area × ratio / perimeter. */
  unclipRatio: number;
}

export interface ScoredQuad {
  quad: Quad;
  score: number;
}

/** Boxes thinner than this (map pixels) are noise: before growing, and (plus 2) after. */
const MIN_SIDE = 3;
/** DBPostProcess's max_candidates: a map with more blobs than this is not text worth reading. */
const MAX_CANDIDATES = 1000;

/**
 * Text boxes from a DB probability map [height × width]: threshold → connected regions → the
 * minimum-area rectangle of each → scored by the mean probability inside → grown by the unclip
 * distance. Boxes are in map pixel coordinates.
 */
export function dbBoxes(map: Float32Array, width: number, height: number, options: DbOptions): ScoredQuad[] {
  const boxes: ScoredQuad[] = [];
  for (const outline of regionOutlines(map, width, height, options.binaryThreshold).slice(0, MAX_CANDIDATES)) {
    const kernel = minAreaRect(outline);
    if (Math.min(rectWidth(kernel), rectHeight(kernel)) < MIN_SIDE) continue;
    const score = meanInside(map, width, height, orderCorners(rectCorners(kernel)));
    if (score < options.boxThreshold) continue;
    const perimeter = 2 * (rectWidth(kernel) + rectHeight(kernel));
    const grown = growRect(kernel, (rectWidth(kernel) * rectHeight(kernel) * options.unclipRatio) / perimeter);
    if (Math.min(rectWidth(grown), rectHeight(grown)) < MIN_SIDE + 2) continue;
    boxes.push({ quad: orderCorners(rectCorners(grown)), score });
  }
  return boxes;
}

/**
 * For each 8-connected region of pixels above `threshold`, the leftmost and rightmost pixel of
 * each of its rows: enough for the convex hull, so for the minimum-area rectangle.
 */
export function regionOutlines(map: Float32Array, width: number, height: number, threshold: number): Point[][] {
  const label = new Int32Array(width * height).fill(-1);
  const outlines: Point[][] = [];
  const stack: number[] = [];
  for (let start = 0; start < map.length; start++) {
    if (label[start] !== -1 || !(map[start] > threshold)) continue;
    const id = outlines.length;
    const rows = new Map<number, [number, number]>();
    label[start] = id;
    stack.push(start);
    while (stack.length > 0) {
      const at = stack.pop()!;
      const x = at % width;
      const y = (at - x) / width;
      const row = rows.get(y);
      if (!row) rows.set(y, [x, x]);
      else row.splice(0, 2, Math.min(row[0], x), Math.max(row[1], x));
      for (let dy = -1; dy <= 1; dy++) {
        const ny = y + dy;
        if (ny < 0 || ny >= height) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const nx = x + dx;
          if (nx < 0 || nx >= width) continue;
          const next = ny * width + nx;
          if (label[next] === -1 && map[next] > threshold) {
            label[next] = id;
            stack.push(next);
          }
        }
      }
    }
    outlines.push([...rows].flatMap(([y, [left, right]]): Point[] => [[left, y], [right, y]]));
  }
  return outlines;
}

/** Mean map value over the pixels whose centres lie in the quad (DB's box score). */
export function meanInside(map: Float32Array, width: number, height: number, quad: Quad): number {
  const xs = quad.map((p) => p[0]);
  const ys = quad.map((p) => p[1]);
  const clamp = (value: number, max: number) => Math.min(Math.max(value, 0), max);
  const x0 = clamp(Math.floor(Math.min(...xs)), width - 1);
  const x1 = clamp(Math.ceil(Math.max(...xs)), width - 1);
  const y0 = clamp(Math.floor(Math.min(...ys)), height - 1);
  const y1 = clamp(Math.ceil(Math.max(...ys)), height - 1);
  let sum = 0;
  let count = 0;
  for (let y = y0; y <= y1; y++) {
    for (let x = x0; x <= x1; x++) {
      if (!insideQuad(quad, x, y)) continue;
      sum += map[y * width + x];
      count++;
    }
  }
  return count === 0 ? 0 : sum / count;
}
