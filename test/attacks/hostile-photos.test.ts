import { createHash } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import jpeg from 'jpeg-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_PHOTO_SIDE } from '../../server/contract/sync.ts';
import { createTestApi, type TestApi } from '../api-app.ts';

/**
 * Photos a device shares are kept on the server's disk: what is not a whole, decodable JPEG of a
 * photo's size is refused before anything is written.
 */

let api: TestApi;
let token: string;
beforeAll(async () => {
  api = await createTestApi({ limits: { photosPerMinute: 1000 } });
  ({ token } = await api.register());
});
afterAll(() => api.close());

async function put(bytes: Uint8Array): Promise<{ status: number; code: string }> {
  const id = createHash('sha256').update(bytes).digest('hex');
  const res = await api.app.request(`/api/v1/photos/${id}`, {
    method: 'PUT',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'image/jpeg' },
    body: new Uint8Array(bytes),
  });
  return { status: res.status, code: ((await res.json()) as { code: string }).code };
}

/** A baseline JPEG header (SOI, SOF0) claiming `width`×`height`, and nothing after it. */
function headerOnly(width: number, height: number): Uint8Array {
  const sof = [0xff, 0xc0, 0x00, 0x11, 0x08, height >> 8, height & 0xff, width >> 8, width & 0xff, 0x03, 0x01, 0x22, 0x00, 0x02, 0x11, 0x01, 0x03, 0x11, 0x01];
  return new Uint8Array([0xff, 0xd8, ...sof, 0xff, 0xd9]);
}

const encoded = (width: number, height: number) => new Uint8Array(jpeg.encode({ width, height, data: new Uint8Array(width * height * 4).fill(90) }, 70).data);

describe('shared photos that are not photos', () => {
  it.each([
    ['a 4-byte file, SOI and EOI', new Uint8Array([0xff, 0xd8, 0xff, 0xd9]), 400, 'not-a-jpeg'],
    ['random bytes behind a JPEG marker', new Uint8Array([0xff, 0xd8, 0xff, 0xe0, ...Array.from({ length: 60_000 }, (_, i) => (i * 7919) % 251)]), 400, 'not-a-jpeg'],
    ['a 20000×20000 header with no pixels', headerOnly(20_000, 20_000), 413, 'photo-too-large'],
    ['a header with no pixels', headerOnly(640, 480), 400, 'not-a-jpeg'],
    ['a JPEG cut in half', encoded(400, 300).subarray(0, 900), 400, 'not-a-jpeg'],
    [`a real JPEG ${MAX_PHOTO_SIDE + 8} pixels wide`, encoded(MAX_PHOTO_SIDE + 8, 16), 413, 'photo-too-large'],
  ])('refuses %s, and writes nothing', async (_what, bytes, status, code) => {
    expect(await put(bytes)).toEqual({ status, code });
    expect(await readdir(join(api.dataDir, 'photos')).catch(() => [])).toEqual([]);
    expect((await api.repository.stats()).photos).toBe(0);
  });

  it('keeps a real photo', async () => {
    expect(await put(encoded(640, 480))).toEqual({ status: 201, code: undefined });
  });
});
