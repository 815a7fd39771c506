import { Hono } from 'hono';
import { cors } from 'hono/cors';
import type { ConsensusJob } from '../consensus/job.ts';
import type { BundleStore } from '../models/bundle-store.ts';
import type { ModelRegistry } from '../models/registry.ts';
import type { PhotoFiles } from '../storage/photo-files.ts';
import type { Repository } from '../storage/repository.ts';
import type { TrainingJob } from '../training/job.ts';
import { clientAddressOf, type ApiEnv } from './api-env.ts';
import type { ApiLimits } from './limits.ts';
import { adminAuth } from './middleware/auth.ts';
import { createRateLimiter } from './middleware/rate-limit.ts';
import { openApiDocument } from './openapi-document.ts';
import { adminConsensusRoutes } from './routes/admin-consensus.ts';
import { adminTaughtTagRoutes } from './routes/admin-taught-tags.ts';
import { adminTrainingRoutes } from './routes/admin-training.ts';
import { adminRoutes } from './routes/admin.ts';
import { deviceRoutes } from './routes/devices.ts';
import { healthRoutes } from './routes/health.ts';
import { photoRoutes } from './routes/photos.ts';
import { syncRoutes } from './routes/sync.ts';

export interface ApiDeps {
  repository: Repository;
  photos: PhotoFiles;
  bundles: BundleStore;
  /** Consensus runs: scheduled after syncs, started by admins, read for wanted tags. */
  consensus: ConsensusJob;
  /** Published model versions, for admins to list and roll back. */
  registry: ModelRegistry;
  /** Training runs: started by admins, or by themselves after consensus. */
  training: TrainingJob;
  /** sha256 (hex) of the admin token. */
  adminTokenHash: string;
  limits: ApiLimits;
  /** Other origins allowed to call the API; the app's own origin needs no CORS. */
  corsOrigins: readonly string[];
  /** One reverse proxy in front (WANWU_TRUST_PROXY): client addresses come from its X-Forwarded-For. */
  trustProxy?: boolean;
}

/** Everything under `/api/v1`. Rate limits live in memory, per API instance. */
export function createApi({ repository, photos, bundles, consensus, registry, training, adminTokenHash, limits, corsOrigins, trustProxy = false }: ApiDeps) {
  const api = new Hono<ApiEnv>();
  api.use(clientAddressOf(trustProxy));
  if (corsOrigins.length > 0) {
    api.use(cors({
      origin: (origin) => (corsOrigins.includes(origin) ? origin : null),
      allowMethods: ['GET', 'POST', 'PUT'],
      allowHeaders: ['Authorization', 'Content-Type'],
      exposeHeaders: ['Retry-After'],
      maxAge: 600,
    }));
  }
  const document = openApiDocument();
  // One guard for every admin route, so wrong tokens count together.
  const admin = adminAuth(adminTokenHash);
  return api
    .route('/', healthRoutes(repository, bundles))
    .route('/', deviceRoutes(repository, createRateLimiter(limits.registrationsPerMinute)))
    .route('/', syncRoutes(repository, bundles, consensus, createRateLimiter(limits.syncPerMinute), limits))
    .route('/', photoRoutes(repository, photos, createRateLimiter(limits.photosPerMinute), limits))
    .route('/', adminRoutes(repository, admin, limits))
    .route('/', adminConsensusRoutes({ repository, photos, bundles, consensus, admin }))
    .route('/', adminTrainingRoutes({ repository, registry, training, admin }))
    .route('/', adminTaughtTagRoutes({ repository, photos, bundles, consensus, training, admin }))
    .get('/openapi.json', (c) => c.json(document));
}
