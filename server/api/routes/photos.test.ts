import { createHash } from 'node:crypto';
import jpeg from 'jpeg-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jpegMetadataSegments } from '../../../models/pipeline/jpeg-metadata.ts';
import { createTestApi, type TestApi } from '../../../test/api-app.ts';
import { exifWithGps, includesBytes, insertAfterSoi } from '../../../test/jpeg-fixture.ts';
import { MAX_PHOTO_BYTES } from '../../contract/sync.ts';
import { createPhotoFiles } from '../../storage/photo-files.ts';

let api: TestApi;
let token: string;
beforeAll(async () => {
  api = await createTestApi({ limits: { photosPerMinute: 1000 } });
  ({ token } = await api.register());
});
afterAll(() => api.close());

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

async function storedFile(id: string): Promise<Uint8Array | null> {
  const bytes = await createPhotoFiles(api.dataDir).read(id);
  return bytes && new Uint8Array(bytes);
}

function smallJpeg(seed: number): Uint8Array {
  const data = new Uint8Array(32 * 24 * 4).map((_, i) => (i * seed) % 256);
  return new Uint8Array(jpeg.encode({ data, width: 32, height: 24 }, 80).data);
}

function put(id: string, body: Uint8Array, headers: Record<string, string> = {}, as = token): Promise<Response> {
  return Promise.resolve(api.app.request(`/api/v1/photos/${id}`, {
    method: 'PUT',
    headers: { Authorization: `Bearer ${as}`, 'Content-Type': 'image/jpeg', ...headers },
    body: new Uint8Array(body),
  }));
}

describe('PUT /api/v1/photos/:sha256', () => {
  it('stores a photo named by its hash once, 201 then 200, also when another device sends it', async () => {
    const photo = smallJpeg(3);
    const first = await put(sha256(photo), photo);
    expect(first.status).toBe(201);
    expect(await first.json()).toEqual({ id: sha256(photo), stored: true });
    const other = await api.register();
    const again = await put(sha256(photo), photo, {}, other.token);
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ id: sha256(photo), stored: false });
    expect(await storedFile(sha256(photo))).toEqual(photo);
    expect((await api.repository.stats()).photos).toBe(1);
  });

  it('strips metadata a device let through: GPS EXIF never reaches the disk', async () => {
    const gps = exifWithGps(6);
    const sent = insertAfterSoi(smallJpeg(5), gps.segment);
    expect(jpegMetadataSegments(sent)).toEqual(['APP1:Exif']);
    const res = await put(sha256(sent), sent);
    expect(res.status).toBe(201);
    const kept = (await storedFile(sha256(sent)))!;
    expect(jpegMetadataSegments(kept)).toEqual([]);
    expect(includesBytes(kept, gps.latitude)).toBe(false);
    expect(kept).toEqual(smallJpeg(5));
  });

  it('refuses bytes that do not hash to the name, and names that are not a sha256', async () => {
    const photo = smallJpeg(7);
    const mismatch = await put(sha256(smallJpeg(8)), photo);
    expect(mismatch.status).toBe(400);
    expect(await mismatch.json()).toMatchObject({ code: 'hash-mismatch' });
    const badName = await put('..%2F..%2Fetc%2Fpasswd', photo);
    expect(badName.status).toBe(400);
    expect(await storedFile(sha256(photo))).toBeNull();
  });

  it('refuses what is not a JPEG: 415 for another type, 400 for other bytes sent as one', async () => {
    const photo = smallJpeg(9);
    const png = await put(sha256(photo), photo, { 'Content-Type': 'image/png' });
    expect(png.status).toBe(415);
    expect(await png.json()).toMatchObject({ code: 'unsupported-media-type' });
    const junk = new TextEncoder().encode('GIF89a, not a JPEG');
    const notJpeg = await put(sha256(junk), junk);
    expect(notJpeg.status).toBe(400);
    expect(await notJpeg.json()).toMatchObject({ code: 'not-a-jpeg' });
  });

  it('refuses photos over 2 MB with 413, and anyone without a device token with 401', async () => {
    const big = new Uint8Array(MAX_PHOTO_BYTES + 1);
    const tooBig = await put(sha256(big), big);
    expect(tooBig.status).toBe(413);
    expect(await tooBig.json()).toMatchObject({ code: 'payload-too-large' });
    const photo = smallJpeg(11);
    const anonymous = await put(sha256(photo), photo, {}, 'stolen-or-made-up');
    expect(anonymous.status).toBe(401);
    expect((await api.repository.stats()).photos).toBe(2);
  });
});
