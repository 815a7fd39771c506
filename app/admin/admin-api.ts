import type { z } from 'zod';
import {
  AdminConsensusSchema,
  AdminTaughtTagsSchema,
  ConsensusRunSchema,
  DeviceStatusChangeSchema,
  PhotoConsensusSchema,
  TagDecisionChangeSchema,
  TagMergeRequestSchema,
  type AdminConsensus,
  type AdminTaughtTags,
  type ConsensusRun,
  type DeviceStatusChange,
  type PhotoConsensus,
} from '../../server/contract/admin.ts';
import { AdminStatsSchema, type AdminStats } from '../../server/contract/sync.ts';
import { AdminTrainingSchema, ModelVersionSchema, TrainingRunSchema, type AdminTraining, type ModelVersion, type TrainingRun } from '../../server/contract/training.ts';

/**
 * The only module that speaks HTTP to `/api/v1/admin/…`. Answers are parsed with the server's own
 * schemas; failures come back as data with a code, never as thrown errors, and the token is
 * never part of a message.
 */

/** `unauthorized`: the token is wrong (or the server's changed); the others are the server's or the network's. */
export type AdminErrorCode = 'unauthorized' | 'unreachable' | 'server-error' | 'refused' | 'bad-response';

export type AdminAnswer<T> = { ok: true; body: T } | { ok: false; code: AdminErrorCode };

export type DeviceDecision = 'release' | 'ban';

/** What an admin does with a new taught tag: approve, refuse, rename it, or count it as a vocabulary tag. */
export type TagReviewAction = { kind: 'approve' } | { kind: 'refuse' } | { kind: 'rename'; name: string } | { kind: 'merge'; into: string };

export interface AdminApi {
  consensus(): Promise<AdminAnswer<AdminConsensus>>;
  /** Runs consensus now (the server answers when it is done); its result shows in the next `consensus()`. */
  aggregate(): Promise<AdminAnswer<ConsensusRun>>;
  decide(deviceId: string, decision: DeviceDecision): Promise<AdminAnswer<DeviceStatusChange>>;
  /** How the latest consensus reached each of a photo's tags. */
  photoConsensus(photoId: string): Promise<AdminAnswer<PhotoConsensus>>;
  /** Today's usage against the daily quotas. */
  stats(): Promise<AdminAnswer<AdminStats>>;
  /** A shared photo's bytes (an `<img>` cannot send the bearer token). */
  photo(photoId: string): Promise<AdminAnswer<Blob>>;
  /** The running training's progress and the latest runs. */
  training(): Promise<AdminAnswer<AdminTraining>>;
  /** Starts a training run (the server answers at once); `refused` while one is running. */
  train(): Promise<AdminAnswer<TrainingRun>>;
  models(): Promise<AdminAnswer<ModelVersion[]>>;
  /** Makes an earlier model version current; answers the versions after. */
  rollback(version: string): Promise<AdminAnswer<ModelVersion[]>>;
  /** New taught tags waiting for the model, with their evidence. */
  taughtTags(): Promise<AdminAnswer<AdminTaughtTags>>;
  reviewTag(tagKey: string, action: TagReviewAction): Promise<AdminAnswer<unknown>>;
}

export type Fetch = (input: string, init: RequestInit) => Promise<Response>;

export function createAdminApi(fetch: Fetch, token: string, base = '/api/v1/admin'): AdminApi {
  const headers = { Authorization: `Bearer ${token}` };

  async function request(path: string, method: 'GET' | 'POST', payload?: unknown): Promise<AdminAnswer<Response>> {
    let response: Response;
    try {
      const init = payload === undefined ? { method, headers } : { method, headers: { ...headers, 'Content-Type': 'application/json' }, body: JSON.stringify(payload) };
      response = await fetch(`${base}${path}`, init);
    } catch {
      return { ok: false, code: 'unreachable' };
    }
    if (response.ok) return { ok: true, body: response };
    if (response.status === 401 || response.status === 403) return { ok: false, code: 'unauthorized' };
    return { ok: false, code: response.status >= 500 ? 'server-error' : 'refused' };
  }

  async function json<S extends z.ZodType>(path: string, method: 'GET' | 'POST', schema: S, payload?: unknown): Promise<AdminAnswer<z.infer<S>>> {
    const answer = await request(path, method, payload);
    if (!answer.ok) return answer;
    const body = schema.safeParse(await answer.body.json().catch(() => undefined));
    return body.success ? { ok: true, body: body.data } : { ok: false, code: 'bad-response' };
  }

  return {
    consensus: () => json('/consensus', 'GET', AdminConsensusSchema),
    aggregate: () => json('/aggregate', 'POST', ConsensusRunSchema),
    decide: (deviceId, decision) => json(`/devices/${encodeURIComponent(deviceId)}/${decision}`, 'POST', DeviceStatusChangeSchema),
    photoConsensus: (photoId) => json(`/photos/${encodeURIComponent(photoId)}/consensus`, 'GET', PhotoConsensusSchema),
    stats: () => json('/stats', 'GET', AdminStatsSchema),
    async photo(photoId) {
      const answer = await request(`/photos/${encodeURIComponent(photoId)}`, 'GET');
      return answer.ok ? { ok: true, body: await answer.body.blob() } : answer;
    },
    training: () => json('/training', 'GET', AdminTrainingSchema),
    train: () => json('/training', 'POST', TrainingRunSchema),
    models: () => json('/models', 'GET', ModelVersionSchema.array()),
    rollback: (version) => json('/models/rollback', 'POST', ModelVersionSchema.array(), { version }),
    taughtTags: () => json('/taught-tags', 'GET', AdminTaughtTagsSchema),
    reviewTag(tagKey, action) {
      const path = `/taught-tags/${encodeURIComponent(tagKey)}/${action.kind}`;
      if (action.kind === 'merge') return json('/tags/merge', 'POST', TagMergeRequestSchema, { from: tagKey, into: action.into });
      return action.kind === 'rename' ? json(path, 'POST', TagDecisionChangeSchema, { name: action.name }) : json(path, 'POST', TagDecisionChangeSchema);
    },
  };
}
