import { describe, expect, it } from 'vitest';
import { orientationIndex, orientedSize } from '../../models/pipeline/exif.ts';
import { undoOrientation } from './decode-image.ts';

describe('undoOrientation', () => {
  // A stored 3×2 image; the browser hands us the upright one and the canvas must put every pixel
  // back where the pipeline (orientationIndex) expects to find it.
  const stored = { width: 3, height: 2 };

  it.each([1, 2, 3, 4, 5, 6, 7, 8])('puts each upright pixel back at its stored place for orientation %i', (orientation) => {
    const upright = orientedSize(stored.width, stored.height, orientation);
    const [a, b, c, d, e, f] = undoOrientation(orientation, upright.width, upright.height);
    const { base, du, dv } = orientationIndex(orientation, stored.width, stored.height);
    for (let v = 0; v < upright.height; v++) {
      for (let u = 0; u < upright.width; u++) {
        // Pixel centres: the transform maps the whole pixel square, so its centre lands on a centre.
        const x = a * (u + 0.5) + c * (v + 0.5) + e - 0.5;
        const y = b * (u + 0.5) + d * (v + 0.5) + f - 0.5;
        expect(y * stored.width + x).toBe(base + u * du + v * dv);
        expect(x).toBeGreaterThanOrEqual(0);
        expect(x).toBeLessThan(stored.width);
      }
    }
  });
});
