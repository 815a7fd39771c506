import { RecognitionError } from './errors.ts';

/**
 * Metadata in a JPEG stream: finding it and removing it without touching a pixel.
 *
 * Metadata is every APP1–APP15 segment (EXIF with GPS and maker notes, XMP, ICC profiles, MPF,
 * Photoshop IRB…), every comment, an APP0 other than a plain JFIF header (JFXX or JFIF carrying a
 * thumbnail of the original), and anything after the end-of-image marker (MPF and "motion photo"
 * trailers append whole second images, EXIF included). Two exceptions are kept because decoders
 * need them and they say nothing about the person: the plain JFIF APP0 and the 12-byte Adobe APP14
 * (its colour-transform flag tells RGB/CMYK from YCbCr).
 *
 * ICC profiles are dropped too: a rare profile can fingerprint a device, and the photos Wanwu keeps
 * are re-encoded from a canvas, which is sRGB, the colour space assumed when no profile is present.
 */

/** One marker segment: `start` includes fill bytes, `body` is where its payload begins, `end` is exclusive. */
interface Segment {
  marker: number;
  start: number;
  body: number;
  end: number;
}

const SOI = 0xd8;
const EOI = 0xd9;
const SOS = 0xda;
const COM = 0xfe;
const APP0 = 0xe0;
const APP14 = 0xee;
const APP15 = 0xef;
/** Not a marker: the bytes after EOI. */
const TRAILER = -1;

/** The metadata segments present, in order, e.g. `['APP1:Exif', 'APP2:ICC_PROFILE', 'COM']`. */
export function jpegMetadataSegments(bytes: Uint8Array): string[] {
  return [...segments(bytes)].flatMap((segment) => metadataLabel(bytes, segment) ?? []);
}

/** The same JPEG without its metadata; the very same array when it has none. */
export function stripJpegMetadata(bytes: Uint8Array): Uint8Array {
  const kept = [...segments(bytes)].filter((segment) => metadataLabel(bytes, segment) === null);
  const length = 2 + kept.reduce((sum, segment) => sum + segment.end - segment.start, 0);
  if (length === bytes.length) return bytes;
  const out = new Uint8Array(length);
  out.set(bytes.subarray(0, 2));
  let at = 2;
  for (const segment of kept) {
    out.set(bytes.subarray(segment.start, segment.end), at);
    at += segment.end - segment.start;
  }
  return out;
}

/** Every segment after SOI up to EOI, then the trailer if any; a scan's segment includes its entropy-coded data. */
function* segments(bytes: Uint8Array): Generator<Segment> {
  if (bytes[0] !== 0xff || bytes[1] !== SOI) throw corrupt('it does not start with a JPEG marker');
  let at = 2;
  for (;;) {
    const start = at;
    if (bytes[at] !== 0xff) throw corrupt(at >= bytes.length ? 'it ends before its end-of-image marker' : `no marker at byte ${at}`);
    while (bytes[at] === 0xff) at++; // fill bytes
    if (at >= bytes.length) throw corrupt('it ends inside a marker');
    const marker = bytes[at++];
    if (marker === EOI) {
      yield { marker, start, body: at, end: at };
      if (at < bytes.length) yield { marker: TRAILER, start: at, body: at, end: bytes.length };
      return;
    }
    if (isStandalone(marker)) {
      yield { marker, start, body: at, end: at };
      continue;
    }
    if (marker === 0x00 || marker === SOI) throw corrupt(`unexpected marker at byte ${at - 1}`);
    if (at + 2 > bytes.length) throw corrupt('it ends inside a segment header');
    const length = (bytes[at] << 8) | bytes[at + 1];
    if (length < 2 || at + length > bytes.length) throw corrupt(`a segment at byte ${start} runs past the end`);
    const end = marker === SOS ? scanEnd(bytes, at + length) : at + length;
    yield { marker, start, body: at + 2, end };
    at = end;
  }
}

/** RSTn and TEM carry no length. */
function isStandalone(marker: number): boolean {
  return (marker >= 0xd0 && marker <= 0xd7) || marker === 0x01;
}

/** Where the entropy-coded data after a scan header ends: at the first marker that is not a stuffed 0 or a restart. */
function scanEnd(bytes: Uint8Array, from: number): number {
  for (let i = from; i + 1 < bytes.length; i++) {
    if (bytes[i] !== 0xff) continue;
    const next = bytes[i + 1];
    if (next === 0x00 || (next >= 0xd0 && next <= 0xd7)) i++;
    else return i;
  }
  throw corrupt('it ends inside its image data');
}

/** What a segment is, when it is metadata; null when it is kept. */
function metadataLabel(bytes: Uint8Array, { marker, body, end }: Segment): string | null {
  if (marker === COM) return 'COM';
  if (marker === TRAILER) return 'data after end of image';
  if (marker < APP0 || marker > APP15) return null;
  const id = identifier(bytes.subarray(body, end));
  const size = end - body;
  // JFIF: "JFIF\0", version, units, x/y density, then the thumbnail's width and height (0 when none).
  if (marker === APP0 && id === 'JFIF' && size >= 14 && bytes[body + 12] * bytes[body + 13] === 0) return null;
  if (marker === APP14 && id === 'Adobe' && size === 12) return null;
  return `APP${marker - APP0}${id ? `:${id}` : ''}`;
}

/** The printable ASCII a payload opens with (its format's name, e.g. "Exif", "ICC_PROFILE"), at most 32 characters. */
function identifier(payload: Uint8Array): string {
  let id = '';
  for (const byte of payload.subarray(0, 32)) {
    if (byte < 0x20 || byte > 0x7e) break;
    id += String.fromCharCode(byte);
  }
  return id;
}

function corrupt(why: string): RecognitionError {
  return new RecognitionError('corrupt-image', `This JPEG file is damaged (${why})`);
}
