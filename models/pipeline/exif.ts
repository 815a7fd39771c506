/**
 * EXIF orientation: reading the tag, and what each of its 8 values means geometrically.
 * Phones store pixels as the sensor saw them and record how to turn them upright in this tag.
 */

const ORIENTATION_TAG = 0x0112;
const TYPE_SHORT = 3;

/**
 * The orientation (1–8) in a TIFF block (an EXIF APP1 segment after its `Exif\0\0` prefix).
 * Broken metadata does not make the pixels unreadable, and decoders ignore it too, so anything
 * unreadable or out of range reads as 1 (upright).
 */
export function readExifOrientation(tiff: Uint8Array): number {
  if (tiff.length < 8) return 1;
  const view = new DataView(tiff.buffer, tiff.byteOffset, tiff.byteLength);
  const order = view.getUint16(0);
  if (order !== 0x4949 && order !== 0x4d4d) return 1;
  const little = order === 0x4949;
  if (view.getUint16(2, little) !== 42) return 1;
  const ifd = view.getUint32(4, little);
  if (ifd + 2 > tiff.length) return 1;
  const count = view.getUint16(ifd, little);
  for (let i = 0; i < count; i++) {
    const entry = ifd + 2 + i * 12;
    if (entry + 12 > tiff.length) return 1;
    if (view.getUint16(entry, little) !== ORIENTATION_TAG) continue;
    if (view.getUint16(entry + 2, little) !== TYPE_SHORT) return 1;
    const value = view.getUint16(entry + 8, little);
    return value >= 1 && value <= 8 ? value : 1;
  }
  return 1;
}

/** Orientations 5–8 turn the photo by a quarter: width and height swap. */
export function orientedSize(width: number, height: number, orientation: number): { width: number; height: number } {
  return orientation >= 5 && orientation <= 8 ? { width: height, height: width } : { width, height };
}

/**
 * Where the upright pixel (u, v) is stored, as a flat pixel index `base + u * du + v * dv` into a
 * stored image of width × height. Values outside 1–8 read as 1.
 */
export function orientationIndex(
  orientation: number,
  width: number,
  height: number,
): { base: number; du: number; dv: number } {
  const right = width - 1;
  const bottom = (height - 1) * width;
  switch (orientation) {
    case 2: return { base: right, du: -1, dv: width }; // mirrored left-right
    case 3: return { base: right + bottom, du: -1, dv: -width }; // turned 180°
    case 4: return { base: bottom, du: 1, dv: -width }; // mirrored top-bottom
    case 5: return { base: 0, du: width, dv: 1 }; // transposed
    case 6: return { base: bottom, du: -width, dv: 1 }; // needs 90° clockwise
    case 7: return { base: right + bottom, du: -width, dv: -1 }; // transversed
    case 8: return { base: right, du: width, dv: -1 }; // needs 90° anticlockwise
    default: return { base: 0, du: 1, dv: width };
  }
}
