import { quadSize, type Quad } from './quad.ts';

/** A line box this much taller than wide is read as a vertical column (PaddleOCR's crop rule). */
export const VERTICAL_RATIO = 1.5;

export function isVertical(quad: Quad): boolean {
  const { width, height } = quadSize(quad);
  return height >= VERTICAL_RATIO * width;
}

/**
 * Boxes in reading order. Horizontal text: rows top to bottom, each left to right, where a box
 * joins a row when its centre lies within the height of the row's first box. When most boxes are
 * vertical (Chinese columns): columns right to left, each top to bottom.
 */
export function readingOrder<T>(items: readonly T[], quadOf: (item: T) => Quad): T[] {
  const vertical = items.filter((item) => isVertical(quadOf(item))).length * 2 > items.length;
  // lo..hi: the box's extent on the axis lines follow each other on; along: where it starts on the line.
  const spans = items.map((item) => {
    const across = quadOf(item).map(([x, y]) => (vertical ? -x : y));
    const along = quadOf(item).map(([x, y]) => (vertical ? y : x));
    return { item, lo: Math.min(...across), hi: Math.max(...across), along: Math.min(...along) };
  });
  spans.sort((x, y) => x.lo + x.hi - (y.lo + y.hi));
  const lines: (typeof spans)[] = [];
  for (const span of spans) {
    const line = lines[lines.length - 1];
    const centre = (span.lo + span.hi) / 2;
    if (line && centre >= line[0].lo && centre <= line[0].hi) line.push(span);
    else lines.push([span]);
  }
  return lines.flatMap((line) => line.sort((x, y) => x.along - y.along).map((span) => span.item));
}
