import { Hono, type MiddlewareHandler } from 'hono';
import type { AdminStats } from '../../contract/sync.ts';
import type { Repository } from '../../storage/repository.ts';
import type { ApiEnv } from '../api-env.ts';

/** `GET /admin/stats`: what the server holds, for the admin token only. */
export function adminRoutes(repository: Repository, admin: MiddlewareHandler<ApiEnv>) {
  return new Hono<ApiEnv>().get('/admin/stats', admin, async (c) => c.json<AdminStats>(await repository.stats()));
}
