import type { ImageDecoder } from '../../models/pipeline/image.ts';

/**
 * `decode`, run once per image however many models read it: the CLI's recognizer and text reader
 * get the same bytes and share the pixels. Kept by the bytes' identity, for as long as the caller
 * holds them, so nothing grows over a long list of photos.
 */
export function decodeOnce(decode: ImageDecoder): ImageDecoder {
  const decoded = new WeakMap<Uint8Array, ReturnType<ImageDecoder>>();
  return (bytes, info) => {
    let image = decoded.get(bytes);
    if (!image) {
      image = decode(bytes, info);
      decoded.set(bytes, image);
    }
    return image;
  };
}
