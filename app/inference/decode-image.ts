import { RecognitionError } from '../../models/pipeline/errors.ts';
import { DECODE_MAX_SIDE, type ImageDecoder } from '../../models/pipeline/image.ts';

/**
 * The browser's decoder: stored pixels as in the file (the pipeline applies EXIF orientation
 * itself; the models want unpremultiplied, unconverted colours), downscaled while decoding so that
 * a 50 MP photo never becomes 200 MB of RGBA.
 */
export const decodeImage: ImageDecoder = async (bytes, info) => {
  const oriented = await browserAppliesOrientation();
  // For orientations 5–8 the browser's (upright) bitmap has width and height swapped.
  const swapped = oriented && info.orientation >= 5;
  const scale = Math.min(1, DECODE_MAX_SIDE / Math.max(info.width, info.height));
  const width = Math.max(1, Math.round(info.width * scale));
  const height = Math.max(1, Math.round(info.height * scale));
  const resize: ImageBitmapOptions =
    scale < 1 ? { resizeWidth: swapped ? height : width, resizeHeight: swapped ? width : height, resizeQuality: 'high' } : {};
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(blobOf(bytes, `image/${info.format}`), { ...DECODE_OPTIONS, ...resize });
  } catch (error) {
    throw new RecognitionError('corrupt-image', "This image is damaged or incomplete and can't be read.", { cause: error });
  }
  try {
    const canvasWidth = swapped ? bitmap.height : bitmap.width;
    const canvasHeight = swapped ? bitmap.width : bitmap.height;
    const context = new OffscreenCanvas(canvasWidth, canvasHeight).getContext('2d', { willReadFrequently: true });
    if (!context) throw new Error('No 2D canvas context in this browser');
    if (oriented) context.setTransform(...undoOrientation(info.orientation, bitmap.width, bitmap.height));
    context.drawImage(bitmap, 0, 0);
    return { data: context.getImageData(0, 0, canvasWidth, canvasHeight).data, width: canvasWidth, height: canvasHeight };
  } finally {
    bitmap.close();
  }
};

const DECODE_OPTIONS: ImageBitmapOptions = { imageOrientation: 'none', premultiplyAlpha: 'none', colorSpaceConversion: 'none' };

/** A 2×1 JPEG tagged with EXIF orientation 6: a browser that applies the tag decodes it as 1×2. */
const ORIENTATION_PROBE =
  '/9j/4QAiRXhpZgAATU0AKgAAAAgAAQESAAMAAAABAAYAAAAAAAD/2wBDAFA3PEY8MlBGQUZaVVBfeMiCeG5uePWvuZHI////////////////' +
  '////////////////////////////////////wAALCAABAAIBAREA/8QAFAABAAAAAAAAAAAAAAAAAAAABP/EABQQAQAAAAAAAAAAAAAAAAAAAAD/2gAIAQEAAD8Aa//Z';

let orientationProbe: Promise<boolean> | undefined;

/**
 * Since the HTML spec dropped `imageOrientation: 'none'`, Chromium applies EXIF orientation in
 * `createImageBitmap` whatever it is asked; older engines honour 'none'. Probed once per worker.
 */
function browserAppliesOrientation(): Promise<boolean> {
  orientationProbe ??= createImageBitmap(blobOf(Uint8Array.from(atob(ORIENTATION_PROBE), (c) => c.charCodeAt(0)), 'image/jpeg'), DECODE_OPTIONS).then(
    (bitmap) => {
      const applied = bitmap.height > bitmap.width;
      bitmap.close();
      return applied;
    },
    () => false,
  );
  return orientationProbe;
}

/**
 * The canvas transform that turns an upright bitmap (width × height as drawn) back into the
 * stored pixels of a photo with this EXIF orientation: exact, as every case moves whole pixels.
 */
export function undoOrientation(orientation: number, width: number, height: number): [number, number, number, number, number, number] {
  switch (orientation) {
    case 2: return [-1, 0, 0, 1, width, 0];
    case 3: return [-1, 0, 0, -1, width, height];
    case 4: return [1, 0, 0, -1, 0, height];
    case 5: return [0, 1, 1, 0, 0, 0];
    case 6: return [0, -1, 1, 0, 0, width];
    case 7: return [0, -1, -1, 0, height, width];
    case 8: return [0, 1, -1, 0, height, 0];
    default: return [1, 0, 0, 1, 0, 0];
  }
}

function blobOf(bytes: Uint8Array, type: string): Blob {
  return new Blob([bytes as Uint8Array<ArrayBuffer>], { type });
}
