import { Hono, type MiddlewareHandler } from 'hono';
import { normaliseTagText } from '../../../models/pipeline/tag-text.ts';
import { ApiError } from '../../api-error.ts';
import type { ConsensusJob } from '../../consensus/job.ts';
import { TagRenameRequestSchema, type AdminTaughtTags, type TagDecision, type TagDecisionChange } from '../../contract/admin.ts';
import type { BundleStore } from '../../models/bundle-store.ts';
import type { PhotoFiles } from '../../storage/photo-files.ts';
import type { Repository } from '../../storage/repository.ts';
import { EVERY_ITEM } from '../../training/dataset.ts';
import type { TrainingJob } from '../../training/job.ts';
import type { ApiEnv } from '../api-env.ts';
import { jsonBody } from '../json-body.ts';
import { SMALL_BODY_BYTES } from '../limits.ts';
import { limitBody } from '../middleware/body-limit.ts';

/** Photos listed per waiting tag. */
const SAMPLES = 6;

export interface AdminTaughtTagsDeps {
  repository: Repository;
  photos: PhotoFiles;
  bundles: BundleStore;
  consensus: ConsensusJob;
  training: TrainingJob;
  /** The admin guard (../middleware/auth.ts adminAuth), shared by every admin route. */
  admin: MiddlewareHandler<ApiEnv>;
}

/**
 * The review queue for new taught tags (admin token): the tags waiting with their evidence, and
 * the admin's decision on each (approve, refuse, rename; merging into a vocabulary tag is
 * `POST /admin/tags/merge`). Training reads the decisions at its next run, consensus (which tags
 * are wanted) at its next run, scheduled here.
 */
export function adminTaughtTagRoutes({ repository, photos, bundles, consensus, training, admin }: AdminTaughtTagsDeps) {
  const small = limitBody(SMALL_BODY_BYTES);

  /** The key in the path, normalised: 400 unless it names a free-text tag, 404 when no label and no model tag has it. */
  async function knownKey(param: string): Promise<string> {
    const key = textKey(param.startsWith('text:') ? param.slice('text:'.length) : null, 'key');
    const [items, bundle] = await Promise.all([repository.confidentItems(EVERY_ITEM), bundles.current()]);
    const known = items.some((item) => item.tagKey === key) || (bundle?.manifest.tags.some((tag) => tag.id === key) ?? false);
    if (!known) throw new ApiError(404, 'not-found', `No taught tag ${key}: no consensus label and no tag of the current model has it`);
    return key;
  }

  async function decide(tagKey: string, decision: TagDecision): Promise<TagDecisionChange> {
    await repository.decideTag(tagKey, decision);
    consensus.schedule();
    return { tagKey, decision };
  }

  /** The shared photos first (the dashboard can show them), then the rest, most certain first within each. */
  async function samplesOf(photoIds: readonly string[]) {
    const shared = await Promise.all(photoIds.map((photoId) => photos.has(photoId)));
    return photoIds.map((photoId, i) => ({ photoId, shared: shared[i] })).sort((a, b) => Number(b.shared) - Number(a.shared)).slice(0, SAMPLES);
  }

  return new Hono<ApiEnv>()
    .get('/admin/taught-tags', admin, async (c) => {
      const { policy, tags } = await training.taughtTags();
      return c.json<AdminTaughtTags>({ policy, tags: await Promise.all(tags.map(async (tag) => ({ ...tag, samples: await samplesOf(tag.samples) }))) });
    })
    .post('/admin/taught-tags/:key/approve', admin, small, async (c) => c.json(await decide(await knownKey(c.req.param('key')), 'approved')))
    .post('/admin/taught-tags/:key/refuse', admin, small, async (c) => c.json(await decide(await knownKey(c.req.param('key')), 'refused')))
    .post('/admin/taught-tags/:key/rename', admin, small, async (c) => {
      const from = await knownKey(c.req.param('key'));
      const into = textKey((await jsonBody(c, TagRenameRequestSchema)).name, 'name');
      if (into === from) throw new ApiError(400, 'bad-request', `name: the tag is already called ${from.slice('text:'.length)}`);
      // The renamed tag is the old one under its new name: what the admin approved by naming it.
      return c.json(await decide(await mergeTaughtTag(repository, from, into), 'approved'));
    });
}

/** `text:` + the normalised text; 400 when there is no text or nothing of it is left. */
function textKey(text: string | null, field: string): string {
  const normalised = text === null ? '' : normaliseTagText(text);
  if (normalised === '') throw new ApiError(400, 'bad-request', `${field}: not a free-text tag (text:<name>), or empty once normalised`);
  return `text:${normalised}`;
}

/**
 * Counts the taught tag `from` as `into` from the next consensus run on (its labels and teachers
 * move with it) and answers the tag it now counts as. Tags merged into `from` before follow it,
 * so every merge stays one step; a merge that would lead back to `from` is refused.
 */
export async function mergeTaughtTag(repository: Repository, from: string, into: string): Promise<string> {
  const merges = await repository.tagMerges();
  const target = merges.get(into) ?? into;
  if (target === from) throw new ApiError(400, 'bad-request', `${into} is already merged into ${from}`);
  for (const [earlier, until] of merges) if (until === from) await repository.mergeTag(earlier, target);
  await repository.mergeTag(from, target);
  return target;
}
