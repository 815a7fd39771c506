import * as tf from '@tensorflow/tfjs';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { RecognitionError, type RecognitionErrorCode } from './errors.ts';
import { imageToTensor, MAX_IMAGE_PIXELS, readImageInfo, type DecodedImage } from './image.ts';
import type { Preprocess } from './manifest.ts';

function encodeJpeg(width: number, height: number): Uint8Array {
  // A plain copy: Node's Buffer may be a view into a shared pool.
  return new Uint8Array(jpeg.encode({ data: new Uint8Array(width * height * 4).fill(200), width, height }, 90).data);
}

function encodePng(width: number, height: number): Uint8Array {
  const png = new PNG({ width, height });
  png.data.fill(255);
  return new Uint8Array(PNG.sync.write(png));
}

function base64(text: string): Uint8Array {
  return Uint8Array.from(atob(text), (ch) => ch.charCodeAt(0));
}

/** A RIFF/WEBP file around one chunk, sizes filled in. */
function webp(chunk: string, body: number[]): Uint8Array {
  const bytes = new Uint8Array(20 + body.length);
  const view = new DataView(bytes.buffer);
  bytes.set(new TextEncoder().encode(`RIFF....WEBP${chunk}`));
  view.setUint32(4, bytes.length - 8, true);
  view.setUint32(16, body.length, true);
  bytes.set(body, 20);
  return bytes;
}

function errorCode(run: () => unknown): { code: RecognitionErrorCode; message: string } {
  try {
    run();
  } catch (error) {
    if (error instanceof RecognitionError) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error('expected a RecognitionError');
}

/** A JPEG whose frame header (SOF0) claims another size. */
function withJpegSize(bytes: Uint8Array, width: number, height: number): Uint8Array {
  const copy = bytes.slice();
  const view = new DataView(copy.buffer);
  for (let at = 2; ; at += 2 + view.getUint16(at + 2)) {
    if (copy[at + 1] === 0xc0) {
      view.setUint16(at + 5, height);
      view.setUint16(at + 7, width);
      return copy;
    }
  }
}

describe('readImageInfo', () => {
  it('reads format and size of real JPEG and PNG files', () => {
    expect(readImageInfo(encodeJpeg(7, 5))).toEqual({ format: 'jpeg', width: 7, height: 5, orientation: 1 });
    expect(readImageInfo(encodePng(9, 4))).toEqual({ format: 'png', width: 9, height: 4, orientation: 1 });
  });

  it('reads real 1×1 WebP (lossy, lossless, extended) and GIF files', () => {
    const files = [
      'UklGRiIAAABXRUJQVlA4IBYAAAAwAQCdASoBAAEADsD+JaQAA3AAAAAA',
      'UklGRhoAAABXRUJQVlA4TA0AAAAvAAAAEAcQERGIiP4HAA==',
      'UklGRjoAAABXRUJQVlA4WAoAAAAQAAAAAAAAAAAAQUxQSAwAAAARBxAR/Q9ERP8DAABWUDggGAAAABQBAJ0BKgEAAQAAAP4AAA3AAP7mtQAAAA==',
      'R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==',
    ];
    for (const file of files) expect(readImageInfo(base64(file))).toMatchObject({ width: 1, height: 1, orientation: 1 });
  });

  it('reads WebP, GIF and BMP sizes from their headers', () => {
    // 'VP8 ' frame: tag, start code 9d 01 2a, 14-bit width and height (top bits are scaling).
    const lossy = webp('VP8 ', [0, 0, 0, 0x9d, 0x01, 0x2a, 0x2c, 0x41, 0xc8, 0x00]);
    expect(readImageInfo(lossy)).toMatchObject({ width: 300, height: 200 });
    // 'VP8L': signature 0x2f, then width-1 and height-1 in 14 bits each.
    const bits = 299 | (199 << 14);
    const lossless = webp('VP8L', [0x2f, bits & 255, (bits >> 8) & 255, (bits >> 16) & 255, bits >>> 24]);
    expect(readImageInfo(lossless)).toMatchObject({ width: 300, height: 200 });
    // 'VP8X': flags, reserved, then canvas width-1 and height-1 in 24 bits each.
    const extended = webp('VP8X', [0, 0, 0, 0, 0x0f, 0x27, 0, 0x9f, 0x0f, 0]);
    expect(readImageInfo(extended)).toMatchObject({ format: 'webp', width: 10000, height: 4000 });
    const gif = base64('R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==');
    gif.set([0x40, 0x01, 0xf0, 0x00], 6);
    expect(readImageInfo(gif)).toMatchObject({ format: 'gif', width: 320, height: 240 });
    const bmp = new Uint8Array(58);
    const view = new DataView(bmp.buffer);
    bmp.set([0x42, 0x4d]);
    view.setUint32(14, 40, true);
    view.setInt32(18, 640, true);
    view.setInt32(22, -480, true); // top-down rows
    expect(readImageInfo(bmp)).toMatchObject({ format: 'bmp', width: 640, height: 480 });
  });

  it('refuses a text file, an empty file and a HEIC photo with clear messages', () => {
    expect(errorCode(() => readImageInfo(new TextEncoder().encode('hello, this is text\n')))).toEqual({
      code: 'not-an-image',
      message: 'This file is not an image (expected JPEG, PNG, WebP, GIF or BMP)',
    });
    const empty = errorCode(() => readImageInfo(new Uint8Array()));
    expect(empty).toMatchObject({ code: 'not-an-image', message: expect.stringContaining('empty') });
    const heic = new Uint8Array([0, 0, 0, 24, ...new TextEncoder().encode('ftypheic'), 0, 0, 0, 0]);
    expect(errorCode(() => readImageInfo(heic)).code).toBe('unsupported-format');
  });

  it('refuses truncated files as corrupt', () => {
    const full = encodeJpeg(64, 48);
    const headerOnly = errorCode(() => readImageInfo(full.subarray(0, 12)));
    expect(headerOnly).toMatchObject({ code: 'corrupt-image', message: expect.stringMatching(/JPEG.*header/) });
    const cutShort = errorCode(() => readImageInfo(full.subarray(0, full.length - 40)));
    expect(cutShort).toMatchObject({ code: 'corrupt-image', message: expect.stringContaining('truncated') });
    const png = encodePng(64, 48);
    expect(errorCode(() => readImageInfo(png.subarray(0, 20))).code).toBe('corrupt-image');
    expect(errorCode(() => readImageInfo(png.subarray(0, png.length - 20))).code).toBe('corrupt-image');
    const lossless = base64('UklGRhoAAABXRUJQVlA4TA0AAAAvAAAAEAcQERGIiP4HAA==');
    expect(errorCode(() => readImageInfo(lossless.subarray(0, 30))).code).toBe('corrupt-image');
  });

  it('refuses a garbled JPEG header and a zero size', () => {
    const garbled = encodeJpeg(8, 8);
    garbled[2 + 2 + new DataView(garbled.buffer).getUint16(4)] = 0x12; // the second marker's 0xFF
    expect(errorCode(() => readImageInfo(garbled)).code).toBe('corrupt-image');
    expect(errorCode(() => readImageInfo(withJpegSize(encodeJpeg(8, 8), 0, 8))).code).toBe('corrupt-image');
  });

  it('refuses more than 100 MP and accepts a 50 MP photo', () => {
    expect(MAX_IMAGE_PIXELS).toBe(100_000_000);
    expect(errorCode(() => readImageInfo(withJpegSize(encodeJpeg(8, 8), 20000, 20000)))).toEqual({
      code: 'image-too-large',
      message: 'This image is 20000×20000 px (400 MP); the limit is 100 MP',
    });
    expect(readImageInfo(withJpegSize(encodeJpeg(8, 8), 8660, 5774))).toMatchObject({ width: 8660, height: 5774 });
  });
});

/** RGBA image whose red channel is `values` (row-major), green and blue 0. */
function image(width: number, height: number, values: number[]): DecodedImage {
  const data = new Uint8Array(width * height * 4);
  values.forEach((value, i) => (data[i * 4] = value));
  return { data, width, height };
}

function raw(width: number, height: number, layout: 'NCHW' | 'NHWC' = 'NCHW'): Preprocess {
  return { width, height, resize: 'stretch', layout, scale: 1, mean: [0, 0, 0], std: [1, 1, 1] };
}

/** The red plane of an NCHW tensor as rows. */
function redRows(data: Float32Array, width: number, height: number): number[][] {
  return Array.from({ length: height }, (_, y) => Array.from(data.subarray(y * width, (y + 1) * width)));
}

describe('imageToTensor', () => {
  it('turns a photo upright for each of the 8 EXIF orientations', () => {
    // Stored 2×3:  a b / c d / e f
    const [a, b, c, d, e, f] = [10, 20, 30, 40, 50, 60];
    const stored = image(2, 3, [a, b, c, d, e, f]);
    const upright: Record<number, number[][]> = {
      1: [[a, b], [c, d], [e, f]],
      2: [[b, a], [d, c], [f, e]],
      3: [[f, e], [d, c], [b, a]],
      4: [[e, f], [c, d], [a, b]],
      5: [[a, c, e], [b, d, f]],
      6: [[e, c, a], [f, d, b]],
      7: [[f, d, b], [e, c, a]],
      8: [[b, d, f], [a, c, e]],
    };
    for (const [orientation, rows] of Object.entries(upright)) {
      const [w, h] = [rows[0].length, rows.length];
      const tensor = imageToTensor(stored, Number(orientation), raw(w, h));
      expect(tensor.dims).toEqual([1, 3, h, w]);
      expect(redRows(tensor.data, w, h)).toEqual(rows);
    }
  });

  it('resizes bilinearly like TF.js with align_corners and half_pixel_centers off', () => {
    const up = imageToTensor(image(2, 2, [0, 10, 20, 30]), 1, raw(4, 4));
    expect(redRows(up.data, 4, 4)).toEqual([
      [0, 5, 10, 10],
      [10, 15, 20, 20],
      [20, 25, 30, 30],
      [20, 25, 30, 30],
    ]);
    const down = imageToTensor(image(4, 1, [0, 30, 60, 90]), 1, raw(3, 1));
    expect(Array.from(down.data.subarray(0, 3))).toEqual([0, 40, 80].map(Math.fround));
  });

  it('matches tf.image.resizeBilinear on a random photo, upright and turned', async () => {
    await tf.setBackend('cpu');
    const [w, h] = [37, 23];
    const rgba = new Uint8Array(w * h * 4).map((_, i) => (i * 7919) % 251);
    const rgb = rgba.filter((_, i) => i % 4 !== 3);
    const stored = tf.tensor3d(rgb, [h, w, 3], 'float32');
    // Orientation 6 shows the stored photo turned 90° clockwise.
    const turned = tf.reverse(tf.transpose(stored, [1, 0, 2]), 1);
    for (const [orientation, source] of [[1, stored], [6, turned]] as const) {
      for (const [outW, outH] of [[16, 12], [64, 50]]) {
        const expected = await tf.image.resizeBilinear(source, [outH, outW], false, false).data();
        const actual = imageToTensor({ data: rgba, width: w, height: h }, orientation, raw(outW, outH, 'NHWC'));
        expect(actual.dims).toEqual([1, outH, outW, 3]);
        const worst = actual.data.reduce((max, value, i) => Math.max(max, Math.abs(value - expected[i])), 0);
        expect(worst).toBeLessThan(1e-3);
      }
    }
  });

  it('centre-crops after resizing the short side, with half-pixel centres', () => {
    // Red = 10 × column: a 12×8 photo, short side to 4 (6×4, 2 photo px per pixel), centre 4×4.
    const columns = image(12, 8, Array.from({ length: 96 }, (_, i) => (i % 12) * 10));
    const pre: Preprocess = { ...raw(4, 4), resize: 'center-crop', resizeShortSide: 4 };
    const tensor = imageToTensor(columns, 1, pre);
    // Resized column 1 + 0.5 covers photo columns 2–3: their mean is 25.
    expect(redRows(tensor.data, 4, 4)[0]).toEqual([25, 45, 65, 85]);
  });

  it('normalises each channel and lays the planes out NCHW', () => {
    const data = new Uint8Array([255, 0, 51, 255]);
    const pre: Preprocess = { ...raw(1, 1), scale: 1 / 255, mean: [0.5, 0.5, 0.2], std: [0.25, 0.5, 0.2] };
    const tensor = imageToTensor({ data, width: 1, height: 1 }, 1, pre);
    expect(tensor.dims).toEqual([1, 3, 1, 1]);
    expect(Array.from(tensor.data).map((v) => Number(v.toFixed(5)))).toEqual([2, -1, 0]);
  });
});
