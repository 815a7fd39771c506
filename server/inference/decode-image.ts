import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { messageOf, RecognitionError } from '../../models/pipeline/errors.ts';
import { MAX_IMAGE_PIXELS, type DecodedImage, type ImageDecoder, type ImageFormat } from '../../models/pipeline/image.ts';

const MAX_MEGAPIXELS = MAX_IMAGE_PIXELS / 1e6;
/**
 * jpeg-js counts every buffer it allocates: 256-byte coefficient blocks per 8×8 block and
 * component (12 B/px at 4:4:4), component lines and the colour-converted copy (6 B/px) and the
 * RGBA output (4 B/px). 24 B/px keeps a 100 MP 4:4:4 photo within its budget.
 */
const JPEG_MEMORY_MB = Math.ceil((MAX_IMAGE_PIXELS * 24) / 2 ** 20);

const decoders: Partial<Record<ImageFormat, (bytes: Uint8Array) => DecodedImage>> = {
  jpeg: decodeJpeg,
  png: decodePng,
};

/** The Node image decoder (pure-JS jpeg-js and pngjs, no native image libraries). */
export const decodeImage: ImageDecoder = async (bytes, info) => {
  const decode = decoders[info.format];
  if (!decode) {
    throw new RecognitionError(
      'unsupported-format',
      `${info.format.toUpperCase()} images cannot be decoded here; Wanwu on Node reads ${Object.keys(decoders).map((f) => f.toUpperCase()).join(' and ')}`,
    );
  }
  try {
    return decode(bytes);
  } catch (error) {
    const message = messageOf(error);
    if (/maxResolutionInMP|maxMemoryUsageInMB|allocate enough memory/.test(message)) {
      throw new RecognitionError(
        'image-too-large',
        `This photo is too large to decode (at most ${MAX_MEGAPIXELS} megapixels)`,
        { cause: error },
      );
    }
    throw new RecognitionError(
      'corrupt-image',
      `This ${info.format.toUpperCase()} file is damaged or incomplete (${message})`,
      { cause: error },
    );
  }
};

function decodeJpeg(bytes: Uint8Array): DecodedImage {
  const image = jpeg.decode(bytes, {
    formatAsRGBA: true,
    useTArray: true,
    maxResolutionInMP: MAX_MEGAPIXELS,
    maxMemoryUsageInMB: JPEG_MEMORY_MB,
  });
  return { data: image.data, width: image.width, height: image.height };
}

function decodePng(bytes: Uint8Array): DecodedImage {
  const image = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  const data = new Uint8Array(image.data.buffer, image.data.byteOffset, image.data.byteLength);
  return { data, width: image.width, height: image.height };
}
