import { createHash } from 'node:crypto';
import { Hono } from 'hono';
import { RecognitionError } from '../../../models/pipeline/errors.ts';
import { decodePixels, readImageInfo } from '../../../models/pipeline/image.ts';
import { stripJpegMetadata } from '../../../models/pipeline/jpeg-metadata.ts';
import { ApiError } from '../../api-error.ts';
import { Sha256HexSchema } from '../../contract/feedback-event.ts';
import { MAX_PHOTO_SIDE, type PhotoUploadResponse } from '../../contract/sync.ts';
import { decodeImage } from '../../inference/decode-image.ts';
import type { PhotoFiles } from '../../storage/photo-files.ts';
import type { Repository } from '../../storage/repository.ts';
import type { ApiEnv } from '../api-env.ts';
import { PHOTO_BODY_BYTES, type ApiLimits } from '../limits.ts';
import { deviceAuth } from '../middleware/auth.ts';
import { limitBody } from '../middleware/body-limit.ts';
import { ensureWithinQuota } from '../quota.ts';
import type { RateLimiter } from '../middleware/rate-limit.ts';

/**
 * `PUT /photos/<sha256>`: a photo the device's user agreed to share. The name must be the sha256
 * of the bytes sent. The device already stripped the metadata; the server strips it again and
 * keeps the result under the name the device knows, so the file's own hash differs from its name
 * exactly when a device let metadata through. Only a whole JPEG of at most MAX_PHOTO_SIDE pixels
 * a side is kept: it is decoded before it is stored, so a header, a huge canvas or random bytes
 * behind a JPEG marker never reach the disk.
 */
export function photoRoutes(repository: Repository, photos: PhotoFiles, limiter: RateLimiter, limits: ApiLimits) {
  return new Hono<ApiEnv>().put('/photos/:sha256', deviceAuth(repository, limiter), async (c, next) => {
    if (!/^image\/jpeg\s*(;|$)/i.test(c.req.header('Content-Type') ?? '')) throw new ApiError(415, 'unsupported-media-type', 'Photos are sent as image/jpeg');
    await next();
  }, limitBody(PHOTO_BODY_BYTES), async (c) => {
    // Before the body is read: a device over its quota costs one row read.
    await ensureWithinQuota(repository, c.var.deviceId, limits, 'photos');
    const id = c.req.param('sha256');
    if (!Sha256HexSchema.safeParse(id).success) throw new ApiError(400, 'bad-request', 'The photo is named by the sha256 of its bytes: 64 lowercase hex characters');
    const bytes = new Uint8Array(await c.req.arrayBuffer());
    if (createHash('sha256').update(bytes).digest('hex') !== id) throw new ApiError(400, 'hash-mismatch', 'The bytes sent do not hash to the name they were sent under');
    await ensureDecodableJpeg(bytes);
    const clean = withoutMetadata(bytes);
    await photos.write(id, clean);
    const stored = await repository.recordPhoto({ id, bytes: clean.length, deviceId: c.var.deviceId, storedAt: new Date() });
    return c.json<PhotoUploadResponse>({ id, stored }, stored ? 201 : 200);
  });
}

async function ensureDecodableJpeg(bytes: Uint8Array): Promise<void> {
  // The start-of-image marker first: another format's header could claim any size.
  if (bytes[0] !== 0xff || bytes[1] !== 0xd8) throw new ApiError(400, 'not-a-jpeg', 'These bytes are not a JPEG');
  try {
    const info = readImageInfo(bytes);
    if (Math.max(info.width, info.height) > MAX_PHOTO_SIDE) {
      throw new ApiError(413, 'photo-too-large', `The photo is ${info.width}×${info.height}; a shared photo is at most ${MAX_PHOTO_SIDE} pixels a side`);
    }
    await decodePixels(decodeImage, bytes, info);
  } catch (error) {
    if (!(error instanceof RecognitionError)) throw error;
    if (error.code === 'image-too-large') throw new ApiError(413, 'photo-too-large', error.message);
    throw new ApiError(400, 'not-a-jpeg', error.message);
  }
}

function withoutMetadata(bytes: Uint8Array): Uint8Array {
  try {
    return stripJpegMetadata(bytes);
  } catch (error) {
    if (error instanceof RecognitionError) throw new ApiError(400, 'not-a-jpeg', error.message);
    throw error;
  }
}
