import type { Tensor } from './backend.ts';

/** One detected object, in model-input pixels (e.g. the 512x512 space of CenterNet). */
export interface Detection {
  classIndex: number;
  score: number;
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

export type Corners = Pick<Detection, 'x1' | 'y1' | 'x2' | 'y2'>;

export interface DecodeOptions {
  /** Input pixels per heatmap cell. */
  stride: number;
  /** Multiplier from the raw size head to input pixels. */
  sizeScale: number;
  layout: 'NCHW' | 'NHWC';
  /** At most this many detections, best first (default 100). */
  topK?: number;
  /** Cells scoring below this are never peaks. */
  minScore?: number;
}

interface Strides {
  classes: number;
  height: number;
  width: number;
  /** Element offsets between neighbouring classes, rows and columns. */
  c: number;
  y: number;
  x: number;
}

function stridesOf(dims: readonly number[], layout: 'NCHW' | 'NHWC'): Strides {
  if (dims.length !== 4 || dims[0] !== 1) throw new Error(`expected a [1, ., ., .] tensor, got [${dims.join(', ')}]`);
  if (layout === 'NCHW') {
    const [, classes, height, width] = dims;
    return { classes, height, width, c: height * width, y: width, x: 1 };
  }
  const [, height, width, classes] = dims;
  return { classes, height, width, c: 1, y: width * classes, x: classes };
}

/** True when no cell of the 3x3 neighbourhood (clipped at the border, as SAME max-pool) is higher. */
function isPeak(data: Float32Array, at: number, value: number, row: number, col: number, s: Strides): boolean {
  const top = row > 0 ? -1 : 0;
  const bottom = row < s.height - 1 ? 1 : 0;
  const left = col > 0 ? -1 : 0;
  const right = col < s.width - 1 ? 1 : 0;
  for (let dy = top; dy <= bottom; dy++) {
    const rowAt = at + dy * s.y;
    for (let dx = left; dx <= right; dx++) if (data[rowAt + dx * s.x] > value) return false;
  }
  return true;
}

/**
 * Keeps the best `capacity` (score, key) pairs in a min-heap on typed arrays. Ties rank by the
 * smaller key, which is the NHWC flat index: the order TF's TopK gives on the flattened heatmap.
 */
class TopK {
  readonly scores: Float32Array;
  readonly keys: Int32Array;
  size = 0;

  constructor(readonly capacity: number) {
    this.scores = new Float32Array(capacity);
    this.keys = new Int32Array(capacity);
  }

  /** The score a candidate must reach to enter (equal scores may still enter on key). */
  get floor(): number {
    return this.size < this.capacity ? -Infinity : this.scores[0];
  }

  push(score: number, key: number): void {
    if (this.size < this.capacity) {
      this.scores[this.size] = score;
      this.keys[this.size] = key;
      this.siftUp(this.size++);
    } else if (this.worse(this.scores[0], this.keys[0], score, key)) {
      this.scores[0] = score;
      this.keys[0] = key;
      this.siftDown(0);
    }
  }

  /** a ranks below b. */
  private worse(scoreA: number, keyA: number, scoreB: number, keyB: number): boolean {
    return scoreA < scoreB || (scoreA === scoreB && keyA > keyB);
  }

  private siftUp(i: number): void {
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.worse(this.scores[i], this.keys[i], this.scores[parent], this.keys[parent])) return;
      this.swap(i, parent);
      i = parent;
    }
  }

  private siftDown(i: number): void {
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let lowest = i;
      if (left < this.size && this.worse(this.scores[left], this.keys[left], this.scores[lowest], this.keys[lowest])) lowest = left;
      if (right < this.size && this.worse(this.scores[right], this.keys[right], this.scores[lowest], this.keys[lowest])) lowest = right;
      if (lowest === i) return;
      this.swap(i, lowest);
      i = lowest;
    }
  }

  private swap(i: number, j: number): void {
    const score = this.scores[i];
    this.scores[i] = this.scores[j];
    this.scores[j] = score;
    const key = this.keys[i];
    this.keys[i] = this.keys[j];
    this.keys[j] = key;
  }
}

/**
 * CenterNet decoding as the TF graph's tail computes it: a cell is kept when it equals the max of
 * its 3x3 neighbourhood, the top K of those win, and the box around cell (x, y) is
 * [stride*x - s0, stride*y - s1, stride*x + s2, stride*y + s3] with s = raw sizes * sizeScale.
 */
export function decodeDetections(heatmap: Tensor, sizes: Tensor, options: DecodeOptions): Detection[] {
  const s = stridesOf(heatmap.dims, options.layout);
  const z = stridesOf(sizes.dims, options.layout);
  if (z.height !== s.height || z.width !== s.width || z.classes !== 4) throw new Error('sizes must be [1, 4, H, W] beside the heatmap');
  const best = new TopK(options.topK ?? 100);
  const minScore = options.minScore ?? -Infinity;
  let floor = minScore;
  const data = heatmap.data;
  const { classes, height, width, x: stepX } = s;
  for (let c = 0; c < classes; c++) {
    for (let row = 0; row < height; row++) {
      let at = c * s.c + row * s.y;
      for (let col = 0; col < width; col++, at += stepX) {
        const value = data[at];
        // Cheap rejection first: almost every cell is below the bar, so few reach the 3x3 test.
        if (value < floor || !isPeak(data, at, value, row, col, s)) continue;
        best.push(value, (row * width + col) * classes + c);
        floor = Math.max(minScore, best.floor);
      }
    }
  }
  const order = Array.from({ length: best.size }, (_, i) => i).sort(
    (a, b) => best.scores[b] - best.scores[a] || best.keys[a] - best.keys[b],
  );
  return order.map((i) => {
    const key = best.keys[i];
    const classIndex = key % s.classes;
    const cell = (key - classIndex) / s.classes;
    const col = cell % s.width;
    const row = (cell - col) / s.width;
    const at = row * z.y + col * z.x;
    const cx = col * options.stride;
    const cy = row * options.stride;
    const size = (k: number) => sizes.data[at + k * z.c] * options.sizeScale;
    return { classIndex, score: best.scores[i], x1: cx - size(0), y1: cy - size(1), x2: cx + size(2), y2: cy + size(3) };
  });
}

/** Intersection over union of two boxes given by their corners: 1 for the same box, 0 apart. */
export function iou(a: Corners, b: Corners): number {
  const areaA = (a.x2 - a.x1) * (a.y2 - a.y1);
  const areaB = (b.x2 - b.x1) * (b.y2 - b.y1);
  if (areaA <= 0 || areaB <= 0) return 0;
  const w = Math.min(a.x2, b.x2) - Math.max(a.x1, b.x1);
  const h = Math.min(a.y2, b.y2) - Math.max(a.y1, b.y1);
  const overlap = Math.max(w, 0) * Math.max(h, 0);
  return overlap / (areaA + areaB - overlap);
}

/**
 * Greedy non-maximum suppression within each class: a box is dropped when it overlaps a better box
 * of its class by more than `iouThreshold` (as tf.image.nonMaxSuppression). Keeps score order.
 */
export function nmsPerClass(detections: readonly Detection[], iouThreshold: number, maxPerClass = Infinity): Detection[] {
  const kept = new Map<number, Detection[]>();
  const result: Detection[] = [];
  for (const detection of [...detections].sort((a, b) => b.score - a.score)) {
    const same = kept.get(detection.classIndex) ?? [];
    if (same.length >= maxPerClass || same.some((other) => iou(other, detection) > iouThreshold)) continue;
    same.push(detection);
    kept.set(detection.classIndex, same);
    result.push(detection);
  }
  return result;
}
