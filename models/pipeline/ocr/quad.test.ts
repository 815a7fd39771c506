import { describe, expect, it } from 'vitest';
import { convexHull, growRect, insideQuad, minAreaRect, orderCorners, quadSize, rectCorners, rectHeight, rectWidth, type Point } from './quad.ts';

/** Corners of a w×h rectangle centred at (cx, cy), turned by `degrees`. */
function turned(cx: number, cy: number, w: number, h: number, degrees: number): Point[] {
  const a = (degrees * Math.PI) / 180;
  return [[-w / 2, -h / 2], [w / 2, -h / 2], [w / 2, h / 2], [-w / 2, h / 2]].map(([x, y]): Point => [
    cx + x * Math.cos(a) - y * Math.sin(a),
    cy + x * Math.sin(a) + y * Math.cos(a),
  ]);
}

const near = (points: readonly Point[]) => points.map(([x, y]) => [Math.round(x * 1000) / 1000, Math.round(y * 1000) / 1000]);

describe('convexHull', () => {
  it('keeps the outer points and drops the inner and collinear ones', () => {
    const hull = convexHull([[0, 0], [2, 0], [4, 0], [4, 3], [0, 3], [2, 1], [1, 2]]);
    expect(hull).toHaveLength(4);
    expect(new Set(hull.map(String))).toEqual(new Set(['0,0', '4,0', '4,3', '0,3']));
  });
});

describe('minAreaRect', () => {
  it('finds a turned rectangle from points inside and on it', () => {
    const corners = turned(50, 40, 30, 10, 20);
    const rect = minAreaRect([...corners, [50, 40], [52, 41]]);
    expect([rectWidth(rect) * rectHeight(rect)]).toEqual([expect.closeTo(300, 6)]);
    expect(new Set([rectWidth(rect), rectHeight(rect)].map(Math.round))).toEqual(new Set([30, 10]));
    expect(new Set(near(rectCorners(rect)).map(String))).toEqual(new Set(near(corners).map(String)));
  });

  it('gives a flat rectangle for points on a line', () => {
    const rect = minAreaRect([[0, 0], [5, 5], [10, 10]]);
    expect(Math.min(rectWidth(rect), rectHeight(rect))).toBeCloseTo(0);
  });
});

describe('orderCorners', () => {
  it('orders any corner order as top-left, top-right, bottom-right, bottom-left', () => {
    expect(orderCorners([[10, 5], [0, 0], [0, 5], [10, 0]])).toEqual([[0, 0], [10, 0], [10, 5], [0, 5]]);
  });
});

describe('growRect', () => {
  it('moves every side out by the distance, keeping the angle', () => {
    const rect = minAreaRect(turned(0, 0, 20, 6, 30));
    const grown = growRect(rect, 2);
    expect([rectWidth(grown) - rectWidth(rect), rectHeight(grown) - rectHeight(rect)]).toEqual([4, 4]);
    expect(grown.axis).toEqual(rect.axis);
  });
});

describe('quadSize and insideQuad', () => {
  const quad = orderCorners([[0, 0], [8, 0], [8, 2], [0, 2]]);
  it('measures the sides', () => expect(quadSize(quad)).toEqual({ width: 8, height: 2 }));
  it('tells inside from outside, edges included', () => {
    expect([insideQuad(quad, 4, 1), insideQuad(quad, 8, 2), insideQuad(quad, 9, 1), insideQuad(quad, 4, -0.5)]).toEqual([true, true, false, false]);
  });
});
