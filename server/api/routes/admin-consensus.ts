import { Hono, type MiddlewareHandler } from 'hono';
import { normaliseTagText } from '../../../models/pipeline/tag-text.ts';
import { ApiError } from '../../api-error.ts';
import { CONFIDENT, tagQuality } from '../../consensus/tag-quality.ts';
import type { ConsensusJob } from '../../consensus/job.ts';
import {
  TagMergeRequestSchema, type AdminConsensus, type AdminDevice, type ConsensusRun, type DeviceStatusChange, type PhotoConsensus, type TagMergeRequest,
} from '../../contract/admin.ts';
import { Sha256HexSchema } from '../../contract/feedback-event.ts';
import { UNKNOWN_NEED } from '../../contract/sync.ts';
import type { BundleStore } from '../../models/bundle-store.ts';
import type { PhotoFiles } from '../../storage/photo-files.ts';
import type { AdminDeviceStatus, ConsensusDevice, Repository } from '../../storage/repository.ts';
import type { ApiEnv } from '../api-env.ts';
import { jsonBody } from '../json-body.ts';
import { SMALL_BODY_BYTES } from '../limits.ts';
import { limitBody } from '../middleware/body-limit.ts';
import { mergeTaughtTag } from './admin-taught-tags.ts';

/** Most hard examples the dashboard lists. */
const HARD_EXAMPLES = 100;

export interface AdminConsensusDeps {
  repository: Repository;
  photos: PhotoFiles;
  bundles: BundleStore;
  consensus: ConsensusJob;
  /** The admin guard (../middleware/auth.ts adminAuth), shared by every admin route. */
  admin: MiddlewareHandler<ApiEnv>;
}

/**
 * The admin side of consensus (admin token): run it, read it, audit one photo's labels, decide
 * about devices, merge a free-text tag into the vocabulary, and see a shared photo.
 */
export function adminConsensusRoutes({ repository, photos, bundles, consensus, admin }: AdminConsensusDeps) {
  const small = limitBody(SMALL_BODY_BYTES);

  async function setStatus(deviceId: string, status: AdminDeviceStatus): Promise<DeviceStatusChange> {
    if (!(await repository.setAdminDeviceStatus(deviceId, status))) throw new ApiError(404, 'not-found', `No device ${deviceId}`);
    consensus.schedule();
    return { deviceId, status: status === 'banned' ? 'banned' : 'active' };
  }

  return new Hono<ApiEnv>()
    .post('/admin/aggregate', admin, small, async (c) => c.json<ConsensusRun>(await consensus.run({ full: c.req.query('full') === 'true' })))
    .get('/admin/consensus', admin, async (c) => {
      const [latest, devices, items, hard, current] = await Promise.all([
        repository.latestConsensusRun(),
        repository.consensusDevices(),
        repository.confidentItems(CONFIDENT),
        repository.hardItems(HARD_EXAMPLES),
        bundles.current(),
      ]);
      return c.json<AdminConsensus>({
        lastRun: latest?.run ?? null,
        feedbackPerDay: latest?.feedbackPerDay ?? [],
        tags: tagQuality(items, current?.manifest.tags ?? []),
        devices: devices.map(adminDevice),
        hardExamples: hard.map(({ photoId, tagKey, modelScore, probability, shared }) => ({ photoId, tagKey, modelScore: modelScore ?? 0, probability, shared })),
        need: latest?.need ?? UNKNOWN_NEED,
        alerts: latest?.alerts ?? [],
      });
    })
    .post('/admin/devices/:id/release', admin, small, async (c) => c.json(await setStatus(c.req.param('id'), 'released')))
    .post('/admin/devices/:id/ban', admin, small, async (c) => c.json(await setStatus(c.req.param('id'), 'banned')))
    .post('/admin/tags/merge', admin, small, async (c) => {
      const request = await jsonBody(c, TagMergeRequestSchema);
      const text = normaliseTagText(request.from.slice('text:'.length));
      const vocabulary = (await bundles.current())?.manifest.tags ?? [];
      if (text === '') throw new ApiError(400, 'bad-request', 'from: the free-text tag is empty once normalised');
      if (!vocabulary.some((tag) => tag.id === request.into)) throw new ApiError(400, 'unknown-tag', `into: ${request.into} is not a tag of the current model`);
      const merge: TagMergeRequest = { from: `text:${text}`, into: request.into };
      await mergeTaughtTag(repository, merge.from, merge.into);
      consensus.schedule();
      return c.json(merge);
    })
    .get('/admin/photos/:photoId/consensus', admin, async (c) => {
      const photoId = c.req.param('photoId');
      if (!Sha256HexSchema.safeParse(photoId).success) throw new ApiError(400, 'bad-request', 'A photo id is the sha256 of its bytes: 64 lowercase hex characters');
      const audit = await consensus.audit(photoId);
      if (!audit) throw new ApiError(404, 'not-found', 'Nobody has answered about this photo');
      return c.json<PhotoConsensus>(audit);
    })
    .get('/admin/photos/:sha256', admin, async (c) => {
      const id = c.req.param('sha256');
      const bytes = Sha256HexSchema.safeParse(id).success ? await photos.read(id) : null;
      if (!bytes) throw new ApiError(404, 'not-found', 'No shared photo with this id');
      return c.body(bytes as Uint8Array<ArrayBuffer>, 200, { 'Content-Type': 'image/jpeg', 'Cache-Control': 'private, max-age=86400' });
    });
}

/** What consensus found, under what the admin decided: a ban wins, a release lifts any quarantine. */
function adminDevice({ adminStatus, quarantine, ...estimate }: ConsensusDevice): AdminDevice {
  const { deviceId, reliability, uncertainty, sensitivity, specificity, votes } = estimate;
  const base = { deviceId, reliability, uncertainty, sensitivity, specificity, votes };
  if (adminStatus === 'banned') return { ...base, status: 'banned', reason: 'banned by an admin', evidence: quarantine ? `${quarantine.reason}: ${quarantine.evidence}` : null };
  if (quarantine && adminStatus !== 'released') return { ...base, status: 'quarantined', reason: quarantine.reason, evidence: quarantine.evidence };
  return { ...base, status: 'active', reason: null, evidence: null };
}
