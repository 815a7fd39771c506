import { createHash } from 'node:crypto';
import { join } from 'node:path';
import jpeg from 'jpeg-js';
import type { Page } from 'playwright-core';
import { build, type Rolldown } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jpegMetadataSegments } from '../../models/pipeline/jpeg-metadata.ts';
import { launchBrowser, startServer, type LaunchedBrowser, type RunningServer } from '../browser.ts';
import { repoRoot } from '../env.ts';
import { exifWithGps, includesBytes, insertAfterSoi, segment } from '../jpeg-fixture.ts';

/**
 * preparePhoto in headless Chromium, on the server's origin: the browser's own decoder, canvas
 * encoder and WebCrypto, as the app uses them. The module is bundled on its own and evaluated in the page.
 */

type PhotosModule = typeof import('../../app/photos/prepare-photo.ts');
type InPage = { id: string; width: number; height: number; image: string; thumbnail: string } | { error: string };

let server: RunningServer;
let browser: LaunchedBrowser;
let page: Page;

beforeAll(async () => {
  const [code, running, launched] = await Promise.all([bundledModule(), startServer(), launchBrowser()]);
  server = running;
  browser = launched;
  page = await browser.context.newPage();
  await page.goto(`${server.url}/api/v1/health`);
  // Evaluated rather than added as a <script>: the server's Content-Security-Policy refuses inline scripts.
  await page.evaluate(`${code}\nwindow.wanwuPhotos = wanwuPhotos;`);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

async function bundledModule(): Promise<string> {
  const result = await build({
    configFile: false,
    logLevel: 'silent',
    publicDir: false,
    build: {
      write: false,
      minify: false,
      lib: { entry: join(repoRoot, 'app/photos/prepare-photo.ts'), formats: ['iife'], name: 'wanwuPhotos' },
    },
  });
  const [output] = (Array.isArray(result) ? result : [result]) as Rolldown.RolldownOutput[];
  return output.output[0].code;
}

/** Runs preparePhoto on these bytes in the page; the blobs come back as base64. */
async function prepareInPage(bytes: Uint8Array): Promise<InPage> {
  return page.evaluate(async (base64) => {
    const { preparePhoto } = (window as unknown as { wanwuPhotos: PhotosModule }).wanwuPhotos;
    const toBase64 = async (blob: Blob) => {
      const data = new Uint8Array(await blob.arrayBuffer());
      let text = '';
      for (let i = 0; i < data.length; i += 0x8000) text += String.fromCharCode(...data.subarray(i, i + 0x8000));
      return btoa(text);
    };
    try {
      const photo = await preparePhoto(new Blob([Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))]));
      const { id, width, height } = photo;
      return { id, width, height, image: await toBase64(photo.image), thumbnail: await toBase64(photo.thumbnail) };
    } catch (error) {
      return { error: (error as { code?: string }).code ?? String(error) };
    }
  }, Buffer.from(bytes).toString('base64'));
}

async function prepared(bytes: Uint8Array) {
  const result = await prepareInPage(bytes);
  if ('error' in result) throw new Error(`preparePhoto failed in the page: ${result.error}`);
  return { ...result, image: Buffer.from(result.image, 'base64'), thumbnail: Buffer.from(result.thumbnail, 'base64') };
}

type Rgb = [number, number, number];
const RED: Rgb = [255, 0, 0];
const GREEN: Rgb = [0, 255, 0];
const BLUE: Rgb = [0, 0, 255];
const WHITE: Rgb = [255, 255, 255];

/** A JPEG whose four quadrants have four colours (top-left, top-right, bottom-left, bottom-right), so its turn shows. */
function quadrantsJpeg(width: number, height: number, [tl, tr, bl, br]: Rgb[]): Uint8Array {
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const colour = y < height / 2 ? (x < width / 2 ? tl : tr) : x < width / 2 ? bl : br;
      data.set([...colour, 255], (y * width + x) * 4);
    }
  }
  return new Uint8Array(jpeg.encode({ data, width, height }, 85).data);
}

/** The colours at the centres of a decoded JPEG's four quadrants. */
function quadrantColours(bytes: Uint8Array): Rgb[] {
  const { data, width, height } = jpeg.decode(bytes, { useTArray: true });
  return [[1, 1], [3, 1], [1, 3], [3, 3]].map(([qx, qy]) => {
    const at = (Math.floor((qy * height) / 4) * width + Math.floor((qx * width) / 4)) * 4;
    return [data[at], data[at + 1], data[at + 2]].map((value) => Math.round(value / 255) * 255) as Rgb;
  });
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

describe('preparing a photo for the local store in Chromium', () => {
  it('keeps a 12 MP phone photo with GPS upright, at 1280 px, without any metadata, named by its hash', async () => {
    const gps = exifWithGps(6);
    // Stored sideways as the sensor saw it; orientation 6 says "turn 90° clockwise".
    const original = insertAfterSoi(quadrantsJpeg(4000, 3000, [RED, GREEN, BLUE, WHITE]), gps.segment, segment(0xfe, 'Elm Street'));
    expect(jpegMetadataSegments(original)).toEqual(['APP1:Exif', 'COM']);

    const photo = await prepared(original);
    expect({ width: photo.width, height: photo.height }).toEqual({ width: 960, height: 1280 });
    const decoded = jpeg.decode(photo.image);
    expect({ width: decoded.width, height: decoded.height }).toEqual({ width: 960, height: 1280 });
    expect(quadrantColours(photo.image)).toEqual([BLUE, RED, WHITE, GREEN]);
    expect(jpegMetadataSegments(photo.image)).toEqual([]);
    expect(includesBytes(photo.image, gps.latitude)).toBe(false);
    expect(photo.id).toBe(sha256(photo.image));

    const thumbnail = jpeg.decode(photo.thumbnail);
    expect({ width: thumbnail.width, height: thumbnail.height }).toEqual({ width: 192, height: 256 });
    expect(quadrantColours(photo.thumbnail)).toEqual([BLUE, RED, WHITE, GREEN]);
    expect(jpegMetadataSegments(photo.thumbnail)).toEqual([]);

    const again = await prepared(original);
    expect(again.id).toBe(photo.id);
  });

  it('never enlarges a small photo', async () => {
    const photo = await prepared(quadrantsJpeg(300, 200, [RED, GREEN, BLUE, WHITE]));
    expect({ width: photo.width, height: photo.height }).toEqual({ width: 300, height: 200 });
    expect(quadrantColours(photo.image)).toEqual([RED, GREEN, BLUE, WHITE]);
    const thumbnail = jpeg.decode(photo.thumbnail);
    expect({ width: thumbnail.width, height: thumbnail.height }).toEqual({ width: 256, height: 171 });
  });

  it('refuses a JPEG the browser cannot decode as a damaged image', async () => {
    const whole = quadrantsJpeg(64, 48, [RED, GREEN, BLUE, WHITE]);
    // Without its quantisation table (DQT) the picture cannot be reconstructed, though its header is intact.
    const dqt = whole.findIndex((byte, i) => byte === 0xff && whole[i + 1] === 0xdb);
    const withoutTables = new Uint8Array([...whole.subarray(0, dqt), ...whole.subarray(dqt + 2 + ((whole[dqt + 2] << 8) | whole[dqt + 3]))]);
    expect(await prepareInPage(withoutTables)).toEqual({ error: 'corrupt-image' });
  });
});
