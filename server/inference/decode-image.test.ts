import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { RecognitionError } from '../../models/pipeline/errors.ts';
import type { ImageInfo } from '../../models/pipeline/image.ts';
import { decodeImage } from './decode-image.ts';

const WIDTH = 24;
const HEIGHT = 16;

/** A left-red, right-blue picture: position and channel order both show in the pixels. */
function picture(): Uint8Array {
  const rgba = new Uint8Array(WIDTH * HEIGHT * 4);
  for (let i = 0; i < WIDTH * HEIGHT; i++) {
    const left = i % WIDTH < WIDTH / 2;
    rgba.set(left ? [220, 20, 20, 255] : [20, 20, 220, 255], i * 4);
  }
  return rgba;
}

const info = (format: ImageInfo['format']): ImageInfo => ({ format, width: WIDTH, height: HEIGHT, orientation: 1 });

function pixel(data: Uint8Array | Uint8ClampedArray, x: number, y: number): number[] {
  return [...data.subarray((y * WIDTH + x) * 4, (y * WIDTH + x) * 4 + 4)];
}

async function failure(promise: Promise<unknown>): Promise<RecognitionError> {
  const error = await promise.then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(RecognitionError);
  return error as RecognitionError;
}

describe('decodeImage (Node)', () => {
  it('decodes a PNG to the exact RGBA pixels', async () => {
    const png = new PNG({ width: WIDTH, height: HEIGHT });
    png.data.set(picture());
    const image = await decodeImage(new Uint8Array(PNG.sync.write(png)), info('png'));
    expect([image.width, image.height]).toEqual([WIDTH, HEIGHT]);
    expect(Array.from(image.data)).toEqual(Array.from(picture()));
  });

  it('decodes a JPEG to RGBA with its colours where they were', async () => {
    const bytes = jpeg.encode({ data: picture(), width: WIDTH, height: HEIGHT }, 95).data;
    const image = await decodeImage(new Uint8Array(bytes), info('jpeg'));
    expect(image.data.length).toBe(WIDTH * HEIGHT * 4);
    const [r, , b, a] = pixel(image.data, 2, 8);
    expect(r).toBeGreaterThan(180);
    expect(b).toBeLessThan(60);
    expect(a).toBe(255);
    expect(pixel(image.data, WIDTH - 3, 8)[2]).toBeGreaterThan(180);
  });

  it('refuses formats Node cannot decode, naming the ones it can', async () => {
    const error = await failure(decodeImage(new Uint8Array(64), info('webp')));
    expect(error.code).toBe('unsupported-format');
    expect(error.message).toMatch(/WEBP.*JPEG and PNG/);
  });

  it('reports a JPEG whose data is broken as corrupt', async () => {
    const bytes = jpeg.encode({ data: picture(), width: WIDTH, height: HEIGHT }, 95).data;
    const broken = new Uint8Array([...bytes.subarray(0, 300), 0xff, 0xd9]);
    const error = await failure(decodeImage(broken, info('jpeg')));
    expect(error.code).toBe('corrupt-image');
    expect(error.message).toMatch(/^This JPEG file is damaged or incomplete/);
  });

  it('reports a PNG whose data is broken as corrupt', async () => {
    const png = new PNG({ width: WIDTH, height: HEIGHT });
    png.data.set(picture());
    const bytes = new Uint8Array(PNG.sync.write(png));
    bytes.fill(0, 40, 60);
    const error = await failure(decodeImage(bytes, info('png')));
    expect(error.code).toBe('corrupt-image');
  });
});
