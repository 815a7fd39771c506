import { Hono, type MiddlewareHandler } from 'hono';
import type { AdminStats } from '../../contract/sync.ts';
import type { Repository } from '../../storage/repository.ts';
import type { ApiEnv } from '../api-env.ts';
import type { ApiLimits } from '../limits.ts';

/** `GET /admin/stats`: what the server holds, what was stored today and the quotas, for the admin token only. */
export function adminRoutes(repository: Repository, admin: MiddlewareHandler<ApiEnv>, limits: ApiLimits) {
  return new Hono<ApiEnv>().get('/admin/stats', admin, async (c) => {
    const [counts, usage] = await Promise.all([repository.stats(), repository.usage(new Date())]);
    const { deviceEventsPerDay, deviceMegabytesPerDay, devicePhotosPerDay, megabytesPerDay } = limits;
    return c.json<AdminStats>({ ...counts, today: usage.everyone, quotas: { deviceEventsPerDay, deviceMegabytesPerDay, devicePhotosPerDay, megabytesPerDay } });
  });
}
