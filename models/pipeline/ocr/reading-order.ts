import { quadSize, type Point, type Quad } from './quad.ts';

/** A line box this much taller than wide is read as a vertical column (PaddleOCR's crop rule). */
export const VERTICAL_RATIO = 1.5;

export function isVertical(quad: Quad): boolean {
  const { width, height } = quadSize(quad);
  return height >= VERTICAL_RATIO * width;
}

/**
 * Boxes in reading order. Horizontal text: rows top to bottom, each left to right, where a box
 * joins a row when its centre lies within the height of the row's first box. When most boxes are
 * vertical (Chinese columns): columns right to left, each top to bottom. Heights and positions are
 * measured along the text's own direction (the boxes' median slant), so the lines of a photo taken
 * at an angle, whose upright bounding boxes overlap, stay apart.
 */
export function readingOrder<T>(items: readonly T[], quadOf: (item: T) => Quad): T[] {
  const vertical = items.filter((item) => isVertical(quadOf(item))).length * 2 > items.length;
  // along: the direction text runs in (rows: left to right; columns: top to bottom); across: the
  // direction lines follow each other in (rows: downwards; columns: leftwards).
  const along = medianDirection(items.map((item) => readingDirection(quadOf(item), vertical)));
  const across: Point = [-along[1], along[0]];
  const dot = ([x, y]: Point, [ux, uy]: Point) => x * ux + y * uy;
  const spans = items.map((item) => {
    const corners = quadOf(item);
    const acrossAt = corners.map((corner) => dot(corner, across));
    return { item, lo: Math.min(...acrossAt), hi: Math.max(...acrossAt), start: Math.min(...corners.map((corner) => dot(corner, along))) };
  });
  spans.sort((x, y) => x.lo + x.hi - (y.lo + y.hi));
  const lines: (typeof spans)[] = [];
  for (const span of spans) {
    const line = lines[lines.length - 1];
    const centre = (span.lo + span.hi) / 2;
    if (line && centre >= line[0].lo && centre <= line[0].hi) line.push(span);
    else lines.push([span]);
  }
  return lines.flatMap((line) => line.sort((x, y) => x.start - y.start).map((span) => span.item));
}

/** Angle of the way a box's text runs: along its top edge for a row, down its left edge for a column. */
function readingDirection([tl, tr, , bl]: Quad, vertical: boolean): number {
  const [x, y] = vertical ? bl : tr;
  return Math.atan2(y - tl[1], x - tl[0]);
}

/** Unit vector of the median angle; straight right (rows) when there are no boxes. */
function medianDirection(angles: number[]): Point {
  if (angles.length === 0) return [1, 0];
  const sorted = [...angles].sort((a, b) => a - b);
  const angle = sorted[Math.floor(sorted.length / 2)];
  return [Math.cos(angle), Math.sin(angle)];
}
