import { Hono } from 'hono';
import { ApiError } from '../../api-error.ts';
import type { Health } from '../../contract/sync.ts';
import { CACHE_REVALIDATE, matchesEtag } from '../../http-cache.ts';
import type { BundleStore } from '../../models/bundle-store.ts';
import type { Repository } from '../../storage/repository.ts';
import type { ApiEnv } from '../api-env.ts';

/** `GET /health` and `GET /models/current`: whether the server is up, and the bundle apps should run. */
export function healthRoutes(repository: Repository, bundles: BundleStore) {
  return new Hono<ApiEnv>()
    .get('/health', async (c) => {
      const current = await bundles.current();
      return c.json<Health>({ ok: true, model: current?.manifest.version ?? null, database: repository.kind });
    })
    .get('/models/current', async (c) => {
      const current = await bundles.current();
      if (!current) throw new ApiError(404, 'no-model', 'No model bundle has been built on this server; run `npm run models`');
      c.header('ETag', current.etag);
      c.header('Cache-Control', CACHE_REVALIDATE);
      if (matchesEtag(c.req.header('If-None-Match'), current.etag)) return c.body(null, 304);
      return c.body(current.json, 200, { 'Content-Type': 'application/json' });
    });
}
