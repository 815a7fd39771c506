/** JPEG metadata as phones write it, made byte by byte, for the tests that must see it removed. */

/** An APPn or COM segment: marker, big-endian length (payload + 2), payload. */
export function segment(marker: number, payload: Uint8Array | string): Uint8Array {
  const body = typeof payload === 'string' ? new TextEncoder().encode(payload) : payload;
  return new Uint8Array([0xff, marker, (body.length + 2) >> 8, (body.length + 2) & 0xff, ...body]);
}

/** The JPEG with these segments inserted right after its SOI marker, where cameras put EXIF. */
export function insertAfterSoi(jpeg: Uint8Array, ...segments: Uint8Array[]): Uint8Array {
  return new Uint8Array([...jpeg.subarray(0, 2), ...segments.flatMap((s) => [...s]), ...jpeg.subarray(2)]);
}

/** Whether `needle` occurs in `haystack`. */
export function includesBytes(haystack: Uint8Array, needle: Uint8Array): boolean {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}

/**
 * An EXIF APP1 segment (little-endian TIFF, as most phones write it): IFD0 with Orientation and a
 * GPSInfo pointer, a GPS IFD with latitude 39°54'27.22"N and longitude 116°23'51.55"E.
 * `latitude` is the 24 bytes of its GPSLatitude rationals, to look for in a file.
 */
export function exifWithGps(orientation: number): { segment: Uint8Array; latitude: Uint8Array } {
  const view = new DataView(new ArrayBuffer(140));
  const entry = (at: number, tag: number, type: number, count: number, value: number) => {
    view.setUint16(at, tag, true);
    view.setUint16(at + 2, type, true);
    view.setUint32(at + 4, count, true);
    if (type === 3) view.setUint16(at + 8, value, true);
    else view.setUint32(at + 8, value, true); // LONG, an offset, or up to 4 inline ASCII bytes
  };
  const rationals = (at: number, values: [number, number][]) =>
    values.forEach(([num, den], i) => {
      view.setUint32(at + i * 8, num, true);
      view.setUint32(at + i * 8 + 4, den, true);
    });
  view.setUint16(0, 0x4949);
  view.setUint16(2, 42, true);
  view.setUint32(4, 8, true);
  // IFD0 at 8: Orientation, GPSInfo → 38; no next IFD.
  view.setUint16(8, 2, true);
  entry(10, 0x0112, 3, 1, orientation);
  entry(22, 0x8825, 4, 1, 38);
  // GPS IFD at 38: refs inline ('N\0', 'E\0' as little-endian LONG), rationals at 92 and 116.
  view.setUint16(38, 4, true);
  entry(40, 0x0001, 2, 2, 0x4e);
  entry(52, 0x0002, 5, 3, 92);
  entry(64, 0x0003, 2, 2, 0x45);
  entry(76, 0x0004, 5, 3, 116);
  rationals(92, [[39, 1], [54, 1], [2722, 100]]);
  rationals(116, [[116, 1], [23, 1], [5155, 100]]);
  const tiff = new Uint8Array(view.buffer);
  return {
    segment: segment(0xe1, new Uint8Array([...new TextEncoder().encode('Exif'), 0, 0, ...tiff])),
    latitude: tiff.slice(92, 116),
  };
}
