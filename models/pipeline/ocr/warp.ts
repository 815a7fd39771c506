import { orientationIndex, orientedSize } from '../exif.ts';
import type { DecodedImage } from '../image.ts';
import type { OcrNormalise } from '../manifest.ts';
import type { Quad } from './quad.ts';

/** A decoded photo read as upright (EXIF orientation applied) without copying its pixels. */
export interface UprightImage {
  data: Uint8Array | Uint8ClampedArray;
  width: number;
  height: number;
  /** Stored pixel index of upright (u, v): base + u * du + v * dv. */
  base: number;
  du: number;
  dv: number;
}

export function uprightImage(image: DecodedImage, orientation: number): UprightImage {
  return { data: image.data, ...orientedSize(image.width, image.height, orientation), ...orientationIndex(orientation, image.width, image.height) };
}

export interface WarpTarget {
  /** Pixels drawn from the quad. */
  width: number;
  height: number;
  /** Row length of the tensor; columns past `width` stay 0, PaddleOCR's padding after normalising. */
  stride: number;
}

/**
 * A quad of the upright photo (corners in pixel-edge coordinates: the photo spans 0..width)
 * resampled (bilinear) into a normalised CHW tensor: the quad's first corner lands at the
 * target's top-left, its second at the top-right, and so on, so the corner order alone turns a
 * crop by quarter turns. Points off the photo take the nearest edge pixel (as OpenCV's
 * BORDER_REPLICATE), or `fill` when given.
 */
export function warpQuad(
  image: UprightImage,
  [tl, tr, br, bl]: Quad,
  target: WarpTarget,
  normalise: OcrNormalise,
  fill?: readonly [number, number, number],
): Float32Array {
  const { width, height, stride } = target;
  const plane = stride * height;
  const out = new Float32Array(plane * 3);
  const order = normalise.channels === 'BGR' ? [2, 1, 0] : [0, 1, 2];
  const gain = normalise.std.map((std) => normalise.scale / std);
  const bias = normalise.std.map((std, c) => -normalise.mean[c] / std);
  const rgb = [0, 0, 0];
  // Pixel centres map to pixel centres (as OpenCV's resize), so a quarter-turned crop is exact.
  for (let y = 0; y < height; y++) {
    const t = (y + 0.5) / height;
    const lx = tl[0] + (bl[0] - tl[0]) * t, ly = tl[1] + (bl[1] - tl[1]) * t;
    const rx = tr[0] + (br[0] - tr[0]) * t, ry = tr[1] + (br[1] - tr[1]) * t;
    for (let x = 0; x < width; x++) {
      const s = (x + 0.5) / width;
      sample(image, lx + (rx - lx) * s - 0.5, ly + (ry - ly) * s - 0.5, rgb, fill);
      const o = y * stride + x;
      for (let c = 0; c < 3; c++) out[c * plane + o] = rgb[order[c]] * gain[c] + bias[c];
    }
  }
  return out;
}

/** Bilinear RGB at upright pixel-index coordinates (u, v) into `rgb`. */
function sample(image: UprightImage, u: number, v: number, rgb: number[], fill?: readonly [number, number, number]): void {
  const { width, height } = image;
  if (fill && (u < -0.5 || v < -0.5 || u > width - 0.5 || v > height - 0.5)) {
    rgb[0] = fill[0]; rgb[1] = fill[1]; rgb[2] = fill[2];
    return;
  }
  const cu = Math.min(Math.max(u, 0), width - 1);
  const cv = Math.min(Math.max(v, 0), height - 1);
  const u0 = Math.floor(cu), v0 = Math.floor(cv);
  const u1 = Math.min(u0 + 1, width - 1), v1 = Math.min(v0 + 1, height - 1);
  const fu = cu - u0, fv = cv - v0;
  const { data, base, du, dv } = image;
  const p00 = (base + u0 * du + v0 * dv) * 4, p01 = (base + u1 * du + v0 * dv) * 4;
  const p10 = (base + u0 * du + v1 * dv) * 4, p11 = (base + u1 * du + v1 * dv) * 4;
  for (let c = 0; c < 3; c++) {
    const top = data[p00 + c] + (data[p01 + c] - data[p00 + c]) * fu;
    const bottom = data[p10 + c] + (data[p11 + c] - data[p10 + c]) * fu;
    rgb[c] = top + (bottom - top) * fv;
  }
}
