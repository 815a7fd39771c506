import { Hono } from 'hono';
import type { AdminStats } from '../../contract/sync.ts';
import type { Repository } from '../../storage/repository.ts';
import type { ApiEnv } from '../api-env.ts';
import { adminAuth } from '../middleware/auth.ts';

/** `GET /admin/stats`: what the server holds, for the admin token only. */
export function adminRoutes(repository: Repository, adminTokenHash: string) {
  return new Hono<ApiEnv>().get('/admin/stats', adminAuth(adminTokenHash), async (c) => c.json<AdminStats>(await repository.stats()));
}
