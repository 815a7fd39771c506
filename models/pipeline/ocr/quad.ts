/** Plane geometry for text boxes: convex hull, minimum-area rectangle, corner order. */

export type Point = readonly [number, number];
/** Four corners: top-left, top-right, bottom-right, bottom-left as the text reads. */
export type Quad = readonly [Point, Point, Point, Point];

/** The quad with `f` applied to each corner. */
export function mapQuad(quad: Quad, f: (point: Point) => Point): Quad {
  return [f(quad[0]), f(quad[1]), f(quad[2]), f(quad[3])];
}

/** Convex hull (Andrew's monotone chain), anticlockwise in image coordinates, no collinear points. */
export function convexHull(points: readonly Point[]): Point[] {
  const sorted = [...points].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  if (sorted.length < 3) return sorted;
  const cross = (o: Point, a: Point, b: Point) => (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
  const half = (list: Point[]) => {
    const chain: Point[] = [];
    for (const p of list) {
      while (chain.length >= 2 && cross(chain[chain.length - 2], chain[chain.length - 1], p) <= 0) chain.pop();
      chain.push(p);
    }
    chain.pop();
    return chain;
  };
  return [...half(sorted), ...half(sorted.reverse())];
}

/**
 * A rotated rectangle: the unit vector of its first axis (the second is that turned a quarter
 * anticlockwise) and its extent along each axis.
 */
export interface RotatedRect {
  axis: Point;
  u: readonly [number, number];
  v: readonly [number, number];
}

export const rectWidth = (rect: RotatedRect) => rect.u[1] - rect.u[0];
export const rectHeight = (rect: RotatedRect) => rect.v[1] - rect.v[0];

export function rectCorners({ axis: [ux, uy], u, v }: RotatedRect): [Point, Point, Point, Point] {
  const at = (a: number, b: number): Point => [a * ux - b * uy, a * uy + b * ux];
  return [at(u[0], v[0]), at(u[1], v[0]), at(u[1], v[1]), at(u[0], v[1])];
}

/**
 * The smallest-area rectangle around `points` (rotating calipers over the hull's edges, as
 * OpenCV's minAreaRect): one side of the best rectangle always lies along a hull edge.
 */
export function minAreaRect(points: readonly Point[]): RotatedRect {
  const hull = convexHull(points);
  if (hull.length === 0) return { axis: [1, 0], u: [0, 0], v: [0, 0] };
  let best: RotatedRect = { axis: [1, 0], u: [0, 0], v: [0, 0] };
  let bestArea = Infinity;
  for (let i = 0; i < hull.length; i++) {
    const a = hull[i];
    const b = hull[(i + 1) % hull.length];
    const length = Math.hypot(b[0] - a[0], b[1] - a[1]);
    const axis: Point = length > 0 ? [(b[0] - a[0]) / length, (b[1] - a[1]) / length] : [1, 0];
    const us = hull.map(([x, y]) => x * axis[0] + y * axis[1]);
    const vs = hull.map(([x, y]) => -x * axis[1] + y * axis[0]);
    const rect: RotatedRect = { axis, u: [Math.min(...us), Math.max(...us)], v: [Math.min(...vs), Math.max(...vs)] };
    const area = rectWidth(rect) * rectHeight(rect);
    if (area < bestArea) {
      bestArea = area;
      best = rect;
    }
  }
  return best;
}

/**
 * The rectangle grown by `distance` on every side. DB's unclip offsets the shrunk text kernel
 * polygon with round joins; for a rectangle the smallest rectangle around that is exactly this.
 */
export function growRect({ axis, u, v }: RotatedRect, distance: number): RotatedRect {
  return { axis, u: [u[0] - distance, u[1] + distance], v: [v[0] - distance, v[1] + distance] };
}

/**
 * Corners as top-left, top-right, bottom-right, bottom-left (PaddleOCR's get_mini_boxes): the
 * two leftmost points give the left side, the upper of each pair comes first.
 */
export function orderCorners(corners: readonly Point[]): Quad {
  const [l1, l2, r1, r2] = [...corners].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const [tl, bl] = l1[1] <= l2[1] ? [l1, l2] : [l2, l1];
  const [tr, br] = r1[1] <= r2[1] ? [r1, r2] : [r2, r1];
  return [tl, tr, br, bl];
}

/** Side lengths of a quad as PaddleOCR's crop measures them: the longer of each opposite pair. */
export function quadSize([tl, tr, br, bl]: Quad): { width: number; height: number } {
  const dist = (p: Point, q: Point) => Math.hypot(p[0] - q[0], p[1] - q[1]);
  return { width: Math.max(dist(tl, tr), dist(bl, br)), height: Math.max(dist(tl, bl), dist(tr, br)) };
}

/** Whether (x, y) lies inside or on a convex quad. */
export function insideQuad(quad: Quad, x: number, y: number): boolean {
  let sign = 0;
  for (let i = 0; i < 4; i++) {
    const [ax, ay] = quad[i];
    const [bx, by] = quad[(i + 1) % 4];
    const cross = (bx - ax) * (y - ay) - (by - ay) * (x - ax);
    if (cross === 0) continue;
    if (sign === 0) sign = Math.sign(cross);
    else if (Math.sign(cross) !== sign) return false;
  }
  return true;
}
