import { Hono, type MiddlewareHandler } from 'hono';
import { QUOTA_MB, type AdminStats } from '../../contract/sync.ts';
import type { Repository } from '../../storage/repository.ts';
import type { ApiEnv } from '../api-env.ts';
import type { ApiLimits } from '../limits.ts';

/** How many of the devices nearest their quotas the dashboard lists. */
const NEAREST_QUOTA = 5;

/** `GET /admin/stats`: what the server holds, what was stored today (in all, and by the devices nearest their quotas) and the quotas, for the admin token only. */
export function adminRoutes(repository: Repository, admin: MiddlewareHandler<ApiEnv>, limits: ApiLimits) {
  return new Hono<ApiEnv>().get('/admin/stats', admin, async (c) => {
    const { deviceEventsPerDay, deviceMegabytesPerDay, devicePhotosPerDay, megabytesPerDay } = limits;
    const now = new Date();
    const quota = { events: deviceEventsPerDay, bytes: deviceMegabytesPerDay * QUOTA_MB, photos: devicePhotosPerDay };
    const [counts, usage, nearestQuota] = await Promise.all([repository.stats(), repository.usage(now), repository.devicesNearestQuota(now, quota, NEAREST_QUOTA)]);
    return c.json<AdminStats>({ ...counts, today: usage.everyone, nearestQuota, quotas: { deviceEventsPerDay, deviceMegabytesPerDay, devicePhotosPerDay, megabytesPerDay } });
  });
}
