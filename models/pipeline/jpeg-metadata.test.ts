import jpeg from 'jpeg-js';
import { describe, expect, it } from 'vitest';
import { exifWithGps, includesBytes, insertAfterSoi, segment } from '../../test/jpeg-fixture.ts';
import { RecognitionError } from './errors.ts';
import { readImageInfo } from './image.ts';
import { jpegMetadataSegments, stripJpegMetadata } from './jpeg-metadata.ts';

/** A real JPEG (jpeg-js) of a 16×8 gradient, with a JFIF APP0 and no metadata. */
function plainJpeg(): Uint8Array {
  const width = 16;
  const height = 8;
  const data = new Uint8Array(width * height * 4).map((_, i) => (i % 4 === 3 ? 255 : (i * 7) % 256));
  return new Uint8Array(jpeg.encode({ data, width, height }, 90).data);
}

const pixels = (bytes: Uint8Array) => jpeg.decode(bytes, { useTArray: true }).data;

/** The JPEG with a segment inserted just before its end-of-image marker (after the scan data). */
const beforeEoi = (bytes: Uint8Array, extra: Uint8Array) =>
  new Uint8Array([...bytes.subarray(0, -2), ...extra, 0xff, 0xd9]);

describe('JPEG metadata', () => {
  it('removes an EXIF block with GPS and a comment, leaving the same picture', () => {
    const original = plainJpeg();
    const gps = exifWithGps(6);
    const tagged = insertAfterSoi(original, gps.segment, segment(0xfe, 'at home, 3 Elm Street'));
    expect(readImageInfo(tagged).orientation).toBe(6);
    expect(jpegMetadataSegments(tagged)).toEqual(['APP1:Exif', 'COM']);

    const stripped = stripJpegMetadata(tagged);
    expect(jpegMetadataSegments(stripped)).toEqual([]);
    expect(includesBytes(tagged, gps.latitude)).toBe(true);
    expect(includesBytes(stripped, gps.latitude)).toBe(false);
    expect(includesBytes(stripped, new TextEncoder().encode('Elm Street'))).toBe(false);
    expect(stripped).toEqual(original);
    expect(pixels(stripped)).toEqual(pixels(original));
  });

  it('removes XMP, ICC, Photoshop and unnamed APP segments, comments after the scan and data after the end', () => {
    const tagged = insertAfterSoi(
      plainJpeg(),
      segment(0xe1, 'http://ns.adobe.com/xap/1.0/\0<x:xmpmeta/>'),
      segment(0xe2, 'ICC_PROFILE\0\x01\x01profile'),
      segment(0xed, 'Photoshop 3.0\x008BIM'),
      segment(0xe9, new Uint8Array([1, 2, 3])),
    );
    const trailer = new TextEncoder().encode('MotionPhoto_Data');
    const withTail = new Uint8Array([...beforeEoi(tagged, segment(0xfe, 'late')), ...trailer]);
    expect(jpegMetadataSegments(withTail)).toEqual([
      'APP1:http://ns.adobe.com/xap/1.0/',
      'APP2:ICC_PROFILE',
      'APP13:Photoshop 3.0',
      'APP9',
      'COM',
      'data after end of image',
    ]);
    expect(stripJpegMetadata(withTail)).toEqual(plainJpeg());
  });

  it('keeps what decoders need: a plain JFIF header and the Adobe colour-transform segment', () => {
    const adobe = segment(0xee, new Uint8Array([...new TextEncoder().encode('Adobe'), 0, 100, 0, 0, 0, 0, 1]));
    const jpegWithAdobe = insertAfterSoi(plainJpeg(), adobe);
    expect(jpegMetadataSegments(jpegWithAdobe)).toEqual([]);
    expect(stripJpegMetadata(jpegWithAdobe)).toBe(jpegWithAdobe);
  });

  it('removes a JFIF header that carries a thumbnail of the original', () => {
    const thumbnail = new Uint8Array([...new TextEncoder().encode('JFIF'), 0, 1, 2, 0, 0, 1, 0, 1, 1, 1, 9, 9, 9]);
    const tagged = insertAfterSoi(plainJpeg(), segment(0xe0, thumbnail));
    expect(jpegMetadataSegments(tagged)).toEqual(['APP0:JFIF']);
    expect(jpegMetadataSegments(stripJpegMetadata(tagged))).toEqual([]);
  });

  it('returns the very same bytes when there is nothing to remove', () => {
    const plain = plainJpeg();
    expect(stripJpegMetadata(plain)).toBe(plain);
  });

  it.each([
    ['not a JPEG', new TextEncoder().encode('GIF89a')],
    ['cut inside the image data', plainJpeg().subarray(0, -40)],
    ['cut inside the EXIF block', insertAfterSoi(plainJpeg(), exifWithGps(1).segment).subarray(0, 60)],
    ['a segment longer than the file', new Uint8Array([0xff, 0xd8, 0xff, 0xe1, 0xff, 0xf0, 1, 2, 3])],
    ['garbage between segments', insertAfterSoi(plainJpeg(), new Uint8Array([0x12, 0x34]))],
  ])('refuses a damaged stream: %s', (_, bytes) => {
    const error = (() => {
      try {
        stripJpegMetadata(bytes);
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(RecognitionError);
    expect((error as RecognitionError).code).toBe('corrupt-image');
    expect(() => jpegMetadataSegments(bytes)).toThrow(RecognitionError);
  });
});
