import { sha256Hex } from '../../models/pipeline/bundle.ts';
import { RecognitionError } from '../../models/pipeline/errors.ts';
import { orientedSize } from '../../models/pipeline/exif.ts';
import { readImageInfo } from '../../models/pipeline/image.ts';
import { stripJpegMetadata } from '../../models/pipeline/jpeg-metadata.ts';
import type { PreparedPhoto } from '../store/local-store.ts';

/** Long side of the photo the device keeps: plenty to look at and to learn from, a fraction of a camera's. */
export const PHOTO_MAX_SIDE = 1280;
/** Long side of the thumbnail history lists show. */
export const THUMBNAIL_MAX_SIDE = 256;
const PHOTO_QUALITY = 0.85;
const THUMBNAIL_QUALITY = 0.75;

interface Size {
  width: number;
  height: number;
}

/**
 * The photo as the device keeps it: upright, downscaled, re-encoded as JPEG with no metadata, a
 * thumbnail, and its id (sha256 of the kept bytes). The same file gives the same id in one browser,
 * since decoding and encoding are deterministic there.
 */
export async function preparePhoto(file: Blob): Promise<PreparedPhoto> {
  const info = readImageInfo(new Uint8Array(await file.arrayBuffer()));
  const size = fitWithin(orientedSize(info.width, info.height, info.orientation), PHOTO_MAX_SIDE);
  const photo = await decodeUpright(file, size);
  try {
    const image = await encodeJpeg(photo, size, PHOTO_QUALITY);
    const thumbnail = await encodeJpeg(photo, fitWithin(size, THUMBNAIL_MAX_SIDE), THUMBNAIL_QUALITY);
    return { id: await sha256Hex(image), image: jpegBlob(image), thumbnail: jpegBlob(thumbnail), ...size };
  } finally {
    photo.close();
  }
}

/** The largest size with this aspect ratio whose long side is at most `max`; never larger than `size`. */
function fitWithin(size: Size, max: number): Size {
  const scale = Math.min(1, max / Math.max(size.width, size.height));
  return { width: Math.max(1, Math.round(size.width * scale)), height: Math.max(1, Math.round(size.height * scale)) };
}

/**
 * Decodes with EXIF orientation applied (the EXIF will be gone, so the pixels must be upright),
 * downscaled while decoding so a 50 MP photo never exists at full size; colours converted to sRGB.
 */
async function decodeUpright(file: Blob, size: Size): Promise<ImageBitmap> {
  try {
    return await createImageBitmap(file, {
      imageOrientation: 'from-image',
      resizeWidth: size.width,
      resizeHeight: size.height,
      resizeQuality: 'high',
    });
  } catch (error) {
    throw new RecognitionError('corrupt-image', "This image is damaged or incomplete and can't be read.", { cause: error });
  }
}

/**
 * JPEG bytes of the bitmap drawn at `size`, metadata stripped: browsers write none today, but the
 * guarantee should not rest on that. Transparent pixels become white rather than JPEG's black.
 */
async function encodeJpeg(source: ImageBitmap, { width, height }: Size, quality: number): Promise<Uint8Array> {
  const canvas = typeof OffscreenCanvas === 'function' ? new OffscreenCanvas(width, height) : documentCanvas(width, height);
  const context = canvas.getContext('2d') as OffscreenCanvasRenderingContext2D | CanvasRenderingContext2D | null;
  if (!context) throw new Error('No 2D canvas context in this browser');
  context.fillStyle = '#fff';
  context.fillRect(0, 0, width, height);
  context.imageSmoothingQuality = 'high';
  // Browsers that ignore the resize options of createImageBitmap still get the right size here.
  context.drawImage(source, 0, 0, width, height);
  const blob = 'convertToBlob' in canvas ? await canvas.convertToBlob({ type: 'image/jpeg', quality }) : await canvasBlob(canvas, quality);
  return stripJpegMetadata(new Uint8Array(await blob.arrayBuffer()));
}

/** For browsers without OffscreenCanvas (Safari before 16.4); only on the page, never in a worker. */
function documentCanvas(width: number, height: number): HTMLCanvasElement {
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  return canvas;
}

function canvasBlob(canvas: HTMLCanvasElement, quality: number): Promise<Blob> {
  return new Promise((resolve, reject) =>
    canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('The browser could not encode a JPEG'))), 'image/jpeg', quality),
  );
}

function jpegBlob(bytes: Uint8Array): Blob {
  return new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'image/jpeg' });
}
