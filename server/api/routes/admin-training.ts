import { Hono, type MiddlewareHandler } from 'hono';
import { ApiError } from '../../api-error.ts';
import { RollbackRequestSchema, type AdminTraining, type ModelVersion, type TrainingRun } from '../../contract/training.ts';
import { UnknownModelVersionError, type ModelRegistry } from '../../models/registry.ts';
import type { Repository } from '../../storage/repository.ts';
import type { TrainingJob } from '../../training/job.ts';
import type { ApiEnv } from '../api-env.ts';
import { jsonBody } from '../json-body.ts';
import { SMALL_BODY_BYTES } from '../limits.ts';
import { limitBody } from '../middleware/body-limit.ts';

/** Most runs the dashboard lists. */
const RUNS = 20;

export interface AdminTrainingDeps {
  repository: Repository;
  registry: ModelRegistry;
  training: TrainingJob;
  /** The admin guard (../middleware/auth.ts adminAuth), shared by every admin route. */
  admin: MiddlewareHandler<ApiEnv>;
}

/** The admin side of training (admin token): start a run, follow it, list model versions, roll back. */
export function adminTrainingRoutes({ repository, registry, training, admin }: AdminTrainingDeps) {
  const small = limitBody(SMALL_BODY_BYTES);

  return new Hono<ApiEnv>()
    .post('/admin/training', admin, small, (c) => {
      // The run goes on after the answer; the job records how it ended.
      const { run, started } = training.start('api');
      if (!started) throw new ApiError(409, 'training-running', `Training run ${run.id} is still running`);
      return c.json<TrainingRun>(run, 202);
    })
    .get('/admin/training', admin, async (c) => c.json<AdminTraining>({ progress: training.progress(), runs: await repository.trainingRuns(RUNS) }))
    .get('/admin/models', admin, async (c) => c.json<ModelVersion[]>(await registry.versions()))
    .post('/admin/models/rollback', admin, small, async (c) => {
      const { version } = await jsonBody(c, RollbackRequestSchema);
      await registry.rollback(version).catch((error: unknown) => {
        throw error instanceof UnknownModelVersionError ? new ApiError(404, 'not-found', `No model version ${version}`) : error;
      });
      return c.json<ModelVersion[]>(await registry.versions());
    });
}
