import { Hono } from 'hono';
import type { ConsensusJob } from '../../consensus/job.ts';
import { SyncRequestSchema } from '../../contract/sync.ts';
import type { BundleStore } from '../../models/bundle-store.ts';
import type { Repository, StoredEvents } from '../../storage/repository.ts';
import type { ApiEnv } from '../api-env.ts';
import { jsonBody } from '../json-body.ts';
import { SYNC_BODY_BYTES, type ApiLimits } from '../limits.ts';
import { deviceAuth } from '../middleware/auth.ts';
import { limitBody } from '../middleware/body-limit.ts';
import type { RateLimiter } from '../middleware/rate-limit.ts';
import { ensureWithinQuota } from '../quota.ts';
import { sortBatch, syncAnswer } from '../sync-batch.ts';

const NOTHING_STORED: StoredEvents = { accepted: [], duplicates: [], conflicts: [] };

/**
 * `POST /sync`: a device's batch of feedback events. Each event is checked alone, the valid ones
 * are stored in one repository call (one transaction), and the answer says what became of every
 * id, so the device can forget accepted and duplicate ones and never resend rejected ones.
 * More than MAX_SYNC_EVENTS events is a 413, like an oversized body: the device sends fewer.
 * New events schedule a consensus run; the answer carries the latest run's need per tag.
 */
export function syncRoutes(repository: Repository, bundles: BundleStore, consensus: ConsensusJob, limiter: RateLimiter, limits: ApiLimits) {
  return new Hono<ApiEnv>().post('/sync', deviceAuth(repository, limiter), limitBody(SYNC_BODY_BYTES), async (c) => {
    await ensureWithinQuota(repository, c.var.deviceId, limits, 'events');
    const { events } = await jsonBody(c, SyncRequestSchema);
    const current = await bundles.current();
    const batch = sortBatch(events, current ? new Set(current.manifest.tags.map((tag) => tag.id)) : undefined);
    const stored = batch.valid.length > 0 ? await repository.storeEvents(c.var.deviceId, batch.valid, new Date()) : NOTHING_STORED;
    if (stored.accepted.length > 0) consensus.schedule();
    return c.json(syncAnswer(batch, stored, current?.manifest.version ?? null, await consensus.tagNeed()));
  });
}
