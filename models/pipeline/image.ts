import type { Tensor } from './backend.ts';
import { messageOf, RecognitionError } from './errors.ts';
import { orientationIndex, orientedSize, readExifOrientation } from './exif.ts';
import type { Preprocess } from './manifest.ts';

/** Photos above this are refused before decoding: 100 MP of RGBA is 400 MB. */
export const MAX_IMAGE_PIXELS = 100_000_000;
/** Decoders that can downscale while decoding should aim for this long side; the models need far less. */
export const DECODE_MAX_SIDE = 2048;

export type ImageFormat = 'jpeg' | 'png' | 'webp' | 'gif' | 'bmp';

/** What the file's header says, before any pixel is decoded. */
export interface ImageInfo {
  format: ImageFormat;
  /** Stored size, before EXIF orientation. */
  width: number;
  height: number;
  /** EXIF orientation 1–8 (1 when absent). */
  orientation: number;
}

/** RGBA pixels as a platform decoder returns them: before orientation, maybe downscaled. */
export interface DecodedImage {
  data: Uint8Array | Uint8ClampedArray;
  width: number;
  height: number;
}

export type ImageDecoder = (bytes: Uint8Array, info: ImageInfo) => Promise<DecodedImage>;

/** The photo's pixels from `decode`; decoders report in their own words, and a photo they cannot read is a corrupt photo. */
export async function decodePixels(decode: ImageDecoder, bytes: Uint8Array, info: ImageInfo): Promise<DecodedImage> {
  let image: DecodedImage;
  try {
    image = await decode(bytes, info);
  } catch (error) {
    if (error instanceof RecognitionError) throw error;
    const message = `This ${info.format.toUpperCase()} file could not be decoded: ${messageOf(error)}`;
    throw new RecognitionError('corrupt-image', message, { cause: error });
  }
  if (!(image.width > 0 && image.height > 0) || image.data.length < image.width * image.height * 4) {
    throw new RecognitionError('corrupt-image', `This ${info.format.toUpperCase()} file decoded to no usable pixels`);
  }
  return image;
}

/** Sniffs the format, reads the size and orientation, and refuses what cannot or must not be decoded. */
export function readImageInfo(bytes: Uint8Array): ImageInfo {
  const format = sniffFormat(bytes);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let info: ImageInfo;
  try {
    info = { format, ...headerReaders[format](bytes, view) };
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    throw corrupt(format, 'it ends inside its header');
  }
  if (!(info.width > 0 && info.height > 0)) throw corrupt(format, 'its header gives no size');
  const pixels = info.width * info.height;
  if (pixels > MAX_IMAGE_PIXELS) {
    throw new RecognitionError(
      'image-too-large',
      `This image is ${info.width}×${info.height} px (${Math.round(pixels / 1e6)} MP); the limit is ${MAX_IMAGE_PIXELS / 1e6} MP`,
    );
  }
  return info;
}

function sniffFormat(bytes: Uint8Array): ImageFormat {
  const starts = (text: string, at = 0) => [...text].every((ch, i) => bytes[at + i] === ch.charCodeAt(0));
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  if (starts('\x89PNG\r\n\x1a\n')) return 'png';
  if (starts('RIFF') && starts('WEBP', 8)) return 'webp';
  if (starts('GIF87a') || starts('GIF89a')) return 'gif';
  if (starts('BM')) return 'bmp';
  if (starts('ftyp', 4)) {
    throw new RecognitionError('unsupported-format', 'HEIC/AVIF photos are not supported; please choose a JPEG, PNG or WebP');
  }
  if (starts('II*\0') || starts('MM\0*')) {
    throw new RecognitionError('unsupported-format', 'TIFF images are not supported; please choose a JPEG, PNG or WebP');
  }
  const what = bytes.length === 0 ? 'it is empty' : 'expected JPEG, PNG, WebP, GIF or BMP';
  throw new RecognitionError('not-an-image', `This file is not an image (${what})`);
}

function corrupt(format: ImageFormat, why: string): RecognitionError {
  return new RecognitionError('corrupt-image', `This ${format.toUpperCase()} file is damaged (${why})`);
}

type Header = Omit<ImageInfo, 'format'>;

/** Each reader throws RangeError (from DataView) when the file ends too early. */
const headerReaders: Record<ImageFormat, (bytes: Uint8Array, view: DataView) => Header> = {
  jpeg: readJpegHeader,
  png: (bytes, view) => {
    if (view.getUint32(12) !== 0x49484452) throw corrupt('png', 'no IHDR chunk');
    // Decoders render a PNG cut short as a partial picture: refuse it instead.
    if (lastIndexOf(bytes, [0x49, 0x45, 0x4e, 0x44], 33) < 0) throw corrupt('png', 'it is truncated');
    return { width: view.getUint32(16), height: view.getUint32(20), orientation: 1 };
  },
  webp: (bytes, view) => {
    if (8 + view.getUint32(4, true) > bytes.length) throw corrupt('webp', 'it is truncated');
    const chunk = view.getUint32(12);
    if (chunk === 0x56503820 /* 'VP8 ' */) {
      if (view.getUint32(23) >>> 8 !== 0x9d012a) throw corrupt('webp', 'bad VP8 frame');
      return { width: view.getUint16(26, true) & 0x3fff, height: view.getUint16(28, true) & 0x3fff, orientation: 1 };
    }
    if (chunk === 0x5650384c /* 'VP8L' */) {
      const bits = view.getUint32(21, true);
      return { width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1, orientation: 1 };
    }
    if (chunk === 0x56503858 /* 'VP8X' */) {
      const uint24 = (at: number) => view.getUint16(at, true) + (view.getUint8(at + 2) << 16);
      return { width: uint24(24) + 1, height: uint24(27) + 1, orientation: 1 };
    }
    throw corrupt('webp', 'unknown WebP chunk');
  },
  gif: (_bytes, view) => ({ width: view.getUint16(6, true), height: view.getUint16(8, true), orientation: 1 }),
  bmp: (_bytes, view) => {
    // BITMAPCOREHEADER (12 bytes) has 16-bit sizes; later headers 32-bit, height negative when top-down.
    const core = view.getUint32(14, true) === 12;
    const width = core ? view.getUint16(18, true) : view.getInt32(18, true);
    const height = core ? view.getUint16(20, true) : Math.abs(view.getInt32(22, true));
    return { width, height, orientation: 1 };
  },
};

function readJpegHeader(bytes: Uint8Array, view: DataView): Header {
  let orientation = 1;
  let at = 2;
  for (;;) {
    if (view.getUint8(at) !== 0xff) throw corrupt('jpeg', `no marker at byte ${at}`);
    while (view.getUint8(at) === 0xff) at++; // fill bytes
    const marker = view.getUint8(at++);
    if ((marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) continue; // no payload
    if (marker === 0xd9 || marker === 0xda) throw corrupt('jpeg', 'no frame header');
    const length = view.getUint16(at);
    if (length < 2 || at + length > bytes.length) throw new RangeError('segment past the end');
    if (marker === 0xe1 && orientation === 1 && isExif(bytes, at + 2)) {
      orientation = readExifOrientation(bytes.subarray(at + 8, at + length));
    }
    // SOF0–SOF15 except DHT (C4), JPG (C8) and DAC (CC).
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      // Decoders render a JPEG cut short half grey: refuse one whose end-of-image marker is missing.
      if (lastIndexOf(bytes, [0xff, 0xd9], at + length) < 0) throw corrupt('jpeg', 'it is truncated');
      return { width: view.getUint16(at + 5), height: view.getUint16(at + 3), orientation };
    }
    at += length;
  }
}

function isExif(bytes: Uint8Array, at: number): boolean {
  return [0x45, 0x78, 0x69, 0x66, 0, 0].every((byte, i) => bytes[at + i] === byte);
}

/** Last position of `needle` at or after `from`, or -1; searches from the end, where it usually is. */
function lastIndexOf(bytes: Uint8Array, needle: readonly number[], from: number): number {
  outer: for (let i = bytes.length - needle.length; i >= from; i--) {
    for (let j = 0; j < needle.length; j++) if (bytes[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

/**
 * How model-input pixels sit on the upright photo: photo = (input + offset) * scale, per axis.
 * The same geometry samples the tensor and maps detector boxes back, whatever size was decoded.
 */
export interface InputFrame {
  scaleX: number;
  scaleY: number;
  offsetX: number;
  offsetY: number;
}

export function inputFrame(pre: Preprocess, width: number, height: number): InputFrame {
  if (pre.resize === 'stretch') return { scaleX: width / pre.width, scaleY: height / pre.height, offsetX: 0, offsetY: 0 };
  const short = pre.resizeShortSide ?? Math.min(pre.width, pre.height);
  const ratio = short / Math.min(width, height);
  const resizedWidth = Math.round(width * ratio);
  const resizedHeight = Math.round(height * ratio);
  return {
    scaleX: width / resizedWidth,
    scaleY: height / resizedHeight,
    offsetX: Math.round((resizedWidth - pre.width) / 2),
    offsetY: Math.round((resizedHeight - pre.height) / 2),
  };
}

/**
 * The model input for a decoded photo: EXIF orientation, resize and normalisation in one pass that
 * maps each output pixel straight to stored pixels. Bilinear like TF.js `resizeBilinear`:
 * `stretch` samples at input * scale (align_corners and half_pixel_centers false, as the detector
 * was trained and as Human runs it); `center-crop` with half-pixel centres (as torchvision does).
 */
export function imageToTensor(image: DecodedImage, orientation: number, pre: Preprocess): Tensor {
  const upright = orientedSize(image.width, image.height, orientation);
  const frame = inputFrame(pre, upright.width, upright.height);
  const halfPixel = pre.resize === 'center-crop';
  const cols = sampleAxis(pre.width, upright.width, frame.scaleX, frame.offsetX, halfPixel);
  const rows = sampleAxis(pre.height, upright.height, frame.scaleY, frame.offsetY, halfPixel);
  const { base, du, dv } = orientationIndex(orientation, image.width, image.height);
  const { width: outW, height: outH } = pre;
  const plane = outW * outH;
  const nchw = pre.layout === 'NCHW';
  const out = new Float32Array(plane * 3);
  const src = image.data;
  const gain = pre.std.map((std) => pre.scale / std);
  const bias = pre.std.map((std, c) => -pre.mean[c] / std);
  for (let y = 0; y < outH; y++) {
    const row0 = base + rows.lo[y] * dv;
    const row1 = base + rows.hi[y] * dv;
    const fy = rows.frac[y];
    for (let x = 0; x < outW; x++) {
      const col0 = cols.lo[x] * du;
      const col1 = cols.hi[x] * du;
      const fx = cols.frac[x];
      const p00 = (row0 + col0) * 4;
      const p01 = (row0 + col1) * 4;
      const p10 = (row1 + col0) * 4;
      const p11 = (row1 + col1) * 4;
      const o = y * outW + x;
      for (let c = 0; c < 3; c++) {
        const top = src[p00 + c] + (src[p01 + c] - src[p00 + c]) * fx;
        const bottom = src[p10 + c] + (src[p11 + c] - src[p10 + c]) * fx;
        out[nchw ? c * plane + o : o * 3 + c] = (top + (bottom - top) * fy) * gain[c] + bias[c];
      }
    }
  }
  return { data: out, dims: nchw ? [1, 3, outH, outW] : [1, outH, outW, 3] };
}

/** For each output index along one axis: the two source indices to blend and the weight of the second. */
function sampleAxis(outSize: number, srcSize: number, scale: number, offset: number, halfPixel: boolean) {
  const lo = new Int32Array(outSize);
  const hi = new Int32Array(outSize);
  const frac = new Float64Array(outSize);
  for (let i = 0; i < outSize; i++) {
    const at = halfPixel ? (i + offset + 0.5) * scale - 0.5 : (i + offset) * scale;
    const s = Math.min(Math.max(at, 0), srcSize - 1);
    lo[i] = Math.floor(s);
    hi[i] = Math.min(lo[i] + 1, srcSize - 1);
    frac[i] = s - lo[i];
  }
  return { lo, hi, frac };
}
