import type { WanwuDatabase } from '../store/schema.ts';
import type { Authorized } from './device.ts';
import { waitingPhotoIds } from './outbox.ts';
import type { SyncApi, SyncFailure } from './sync-api.ts';

/** Photo bytes go up only with the person's consent (off by default), once each, after their feedback. */

const CONSENT_KEY = 'upload-photos';

export async function uploadConsent(db: WanwuDatabase): Promise<boolean> {
  return (await db.settings.get(CONSENT_KEY))?.value === true;
}

export async function setUploadConsent(db: WanwuDatabase, on: boolean): Promise<void> {
  await db.settings.put({ key: CONSENT_KEY, value: on });
}

/**
 * PUTs every kept photo whose feedback the server holds and whose bytes it has not had yet. A
 * refusal (wrong type, too large) is final, so such a photo is not offered again; any other
 * failure stops here and the next sync goes on.
 */
export async function uploadPhotos(db: WanwuDatabase, api: SyncApi, authorized: Authorized): Promise<{ uploaded: number; failure: SyncFailure | null }> {
  let uploaded = 0;
  if (!(await uploadConsent(db))) return { uploaded, failure: null };
  const [withFeedback, waiting] = await Promise.all([db.feedback.orderBy('photoId').uniqueKeys(), waitingPhotoIds(db)]);
  const photos = await db.photos.bulkGet(withFeedback.map(String).filter((id) => !waiting.has(id)));
  for (const photo of photos) {
    if (!photo?.image || photo.uploaded) continue;
    // Consent can be withdrawn while photos go up: asked again before each one.
    if (!(await uploadConsent(db))) break;
    const image = photo.image;
    const answer = await authorized((token) => api.putPhoto(token, photo.id, image));
    if (!answer.ok && answer.failure.code !== 'refused' && answer.failure.code !== 'too-large') return { uploaded, failure: answer.failure };
    if (answer.ok) uploaded += 1;
    await db.photos.update(photo.id, { uploaded: true });
  }
  return { uploaded, failure: null };
}
