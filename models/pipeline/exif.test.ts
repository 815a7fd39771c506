import jpeg from 'jpeg-js';
import { describe, expect, it } from 'vitest';
import { orientationIndex, orientedSize, readExifOrientation } from './exif.ts';
import { readImageInfo } from './image.ts';

/** A TIFF block with IFD0 holding ImageWidth and then Orientation, as cameras write it. */
function tiffWithOrientation(orientation: number, littleEndian: boolean): Uint8Array {
  const view = new DataView(new ArrayBuffer(8 + 2 + 2 * 12 + 4));
  view.setUint16(0, littleEndian ? 0x4949 : 0x4d4d);
  view.setUint16(2, 42, littleEndian);
  view.setUint32(4, 8, littleEndian);
  view.setUint16(8, 2, littleEndian);
  const entry = (at: number, tag: number, type: number, value: number) => {
    view.setUint16(at, tag, littleEndian);
    view.setUint16(at + 2, type, littleEndian);
    view.setUint32(at + 4, 1, littleEndian);
    if (type === 3) view.setUint16(at + 8, value, littleEndian);
    else view.setUint32(at + 8, value, littleEndian);
  };
  entry(10, 0x0100, 4, 640);
  entry(22, 0x0112, 3, orientation);
  return new Uint8Array(view.buffer);
}

/** A real JPEG (jpeg-js) with an EXIF APP1 segment spliced in right after SOI. */
function jpegWithExif(tiff: Uint8Array, width = 6, height = 4): Uint8Array {
  const encoded = jpeg.encode({ data: new Uint8Array(width * height * 4).fill(128), width, height }, 90).data;
  const payload = [...new TextEncoder().encode('Exif'), 0, 0, ...tiff];
  const length = payload.length + 2;
  return new Uint8Array([0xff, 0xd8, 0xff, 0xe1, length >> 8, length & 0xff, ...payload, ...encoded.subarray(2)]);
}

describe('EXIF orientation', () => {
  it('is read from a JPEG in both byte orders, and the stored size is reported', () => {
    for (const littleEndian of [true, false]) {
      for (let orientation = 1; orientation <= 8; orientation++) {
        const info = readImageInfo(jpegWithExif(tiffWithOrientation(orientation, littleEndian)));
        expect(info).toEqual({ format: 'jpeg', width: 6, height: 4, orientation });
      }
    }
  });

  it('defaults to upright when a JPEG has no EXIF', () => {
    const plain = jpeg.encode({ data: new Uint8Array(3 * 2 * 4), width: 3, height: 2 }, 90).data;
    expect(readImageInfo(plain).orientation).toBe(1);
  });

  it('treats broken or out-of-range metadata as upright instead of refusing the photo', () => {
    expect(readExifOrientation(tiffWithOrientation(9, true))).toBe(1);
    expect(readExifOrientation(tiffWithOrientation(6, true).subarray(0, 20))).toBe(1);
    expect(readExifOrientation(new TextEncoder().encode('not a TIFF block'))).toBe(1);
    expect(readImageInfo(jpegWithExif(new Uint8Array([1, 2, 3]))).orientation).toBe(1);
  });

  it('swaps width and height for the quarter turns 5–8 only', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8].map((o) => orientedSize(40, 30, o).width)).toEqual([40, 40, 40, 40, 30, 30, 30, 30]);
  });

  it('maps the corners of the upright photo to the stored corners', () => {
    // Stored 3×2: index 0 top-left, 2 top-right, 3 bottom-left, 5 bottom-right.
    const uprightTopLeft = [1, 2, 3, 4, 5, 6, 7, 8].map((o) => orientationIndex(o, 3, 2).base);
    expect(uprightTopLeft).toEqual([0, 2, 5, 3, 0, 3, 5, 2]);
  });
});
