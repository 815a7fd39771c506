import { z } from 'zod';
import {
  AdminConsensusSchema, AdminTaughtTagsSchema, ConsensusRunSchema, DeviceStatusChangeSchema, PhotoConsensusSchema, TagDecisionChangeSchema, TagMergeRequestSchema, TagRenameRequestSchema,
} from '../contract/admin.ts';
import { FeedbackEventSchema } from '../contract/feedback-event.ts';
import { AdminTrainingSchema, ModelVersionSchema, RollbackRequestSchema, TrainingRunSchema } from '../contract/training.ts';
import {
  AdminStatsSchema, DeviceRegistrationSchema, ErrorBodySchema, HealthSchema, MAX_PHOTO_BYTES, MAX_SYNC_EVENTS,
  PhotoUploadResponseSchema, SyncRequestSchema, SyncResponseSchema,
} from '../contract/sync.ts';
import { SYNC_BODY_BYTES } from './limits.ts';

/**
 * The API's OpenAPI 3.1 document, generated from the contract's zod schemas (never written
 * twice). The request schema for sync lists events as FeedbackEvent for readers; the server
 * itself takes any array and checks each event alone.
 */
export function openApiDocument(): object {
  return {
    openapi: '3.1.0',
    info: {
      title: 'Wanwu API',
      version: '1',
      description: 'Devices register, then sync feedback events (exactly once: retries are always safe) and, with consent, photos. Every error is JSON `{code, message}`.',
    },
    paths: PATHS,
    components: {
      schemas: componentSchemas(),
      securitySchemes: {
        deviceToken: { type: 'http', scheme: 'bearer', description: 'The token `POST /api/v1/devices` returned' },
        adminToken: { type: 'http', scheme: 'bearer', description: 'WANWU_ADMIN_TOKEN, or the token printed at the first start' },
      },
      headers: {
        RetryAfter: { description: 'Whole seconds to wait before trying again', schema: { type: 'integer', minimum: 1 } },
      },
    },
  };
}

/** A taught tag's key in a path, URL-encoded. */
const TAUGHT_TAG_KEY = { name: 'key', in: 'path', required: true, schema: { type: 'string', pattern: '^text:' }, example: 'text:风筝' };

function componentSchemas(): Record<string, unknown> {
  const registry = z.registry<{ id: string }>();
  registry.add(ErrorBodySchema, { id: 'ErrorBody' });
  registry.add(HealthSchema, { id: 'Health' });
  registry.add(DeviceRegistrationSchema, { id: 'DeviceRegistration' });
  registry.add(FeedbackEventSchema, { id: 'FeedbackEvent' });
  registry.add(SyncRequestSchema.extend({ events: z.array(FeedbackEventSchema).max(MAX_SYNC_EVENTS) }), { id: 'SyncRequest' });
  registry.add(SyncResponseSchema, { id: 'SyncResponse' });
  registry.add(PhotoUploadResponseSchema, { id: 'PhotoUploadResponse' });
  registry.add(AdminStatsSchema, { id: 'AdminStats' });
  registry.add(ConsensusRunSchema, { id: 'ConsensusRun' });
  registry.add(AdminConsensusSchema, { id: 'AdminConsensus' });
  registry.add(PhotoConsensusSchema, { id: 'PhotoConsensus' });
  registry.add(DeviceStatusChangeSchema, { id: 'DeviceStatusChange' });
  registry.add(TagMergeRequestSchema, { id: 'TagMergeRequest' });
  registry.add(AdminTaughtTagsSchema, { id: 'AdminTaughtTags' });
  registry.add(TagRenameRequestSchema, { id: 'TagRenameRequest' });
  registry.add(TagDecisionChangeSchema, { id: 'TagDecisionChange' });
  registry.add(TrainingRunSchema, { id: 'TrainingRun' });
  registry.add(AdminTrainingSchema, { id: 'AdminTraining' });
  registry.add(z.array(ModelVersionSchema), { id: 'ModelVersions' });
  registry.add(RollbackRequestSchema, { id: 'RollbackRequest' });
  const { schemas } = z.toJSONSchema(registry, { uri: (id) => `#/components/schemas/${id}`, io: 'input' });
  // Components are embedded, not standalone documents: they take no `$schema` or `$id` of their own.
  return Object.fromEntries(Object.entries(schemas).map(([id, { $schema: _, $id: __, ...schema }]) => [id, schema]));
}

const ref = (id: string) => ({ $ref: `#/components/schemas/${id}` });
const json = (description: string, id: string) => ({ description, content: { 'application/json': { schema: ref(id) } } });

const ERRORS = {
  400: json('Malformed: `bad-request`, `invalid-json`, `hash-mismatch` or `not-a-jpeg`; the message names the problem', 'ErrorBody'),
  401: { ...json('`unauthorized`: missing or unknown bearer token', 'ErrorBody'), headers: { 'WWW-Authenticate': { schema: { type: 'string' } } } },
  403: json('`banned`: an admin banned this device', 'ErrorBody'),
  404: json('`not-found`', 'ErrorBody'),
  409: json('`training-running`: a training run is in progress; its id is in the message', 'ErrorBody'),
  413: json('`payload-too-large`: the body or the batch is over its limit; `photo-too-large`: a photo with a side over MAX_PHOTO_SIDE', 'ErrorBody'),
  415: json('`unsupported-media-type`', 'ErrorBody'),
  429: { ...json('`rate-limited`: this device (or address) sent too many requests', 'ErrorBody'), headers: { 'Retry-After': { $ref: '#/components/headers/RetryAfter' } } },
  500: json('`internal`: logged on the server; never a stack trace', 'ErrorBody'),
};
const errors = (...statuses: (keyof typeof ERRORS)[]) => Object.fromEntries(statuses.map((status) => [status, ERRORS[status]]));

const PATHS = {
  '/api/v1/health': {
    get: { summary: 'Whether the server is up, its model version and database kind', responses: { 200: json('Up', 'Health'), ...errors(500) } },
  },
  '/api/v1/models/current': {
    get: {
      summary: 'The manifest of the model bundle apps should run (ETag, revalidate)',
      responses: {
        200: { description: 'The manifest', content: { 'application/json': { schema: { type: 'object' } } } },
        304: { description: 'Unchanged since the ETag sent in If-None-Match' },
        404: json('`no-model`: no bundle built yet', 'ErrorBody'),
      },
    },
  },
  '/api/v1/devices': {
    post: {
      summary: 'Register a device; the token is shown this once and only its hash is stored',
      responses: { 201: json('Registered', 'DeviceRegistration'), ...errors(413, 429, 500) },
    },
  },
  '/api/v1/sync': {
    post: {
      summary: `Send up to ${MAX_SYNC_EVENTS} feedback events; each id is stored at most once`,
      description: `Each event is validated alone: a malformed one is rejected (\`invalid-event\`) while the rest are stored; an id another device used is rejected (\`id-conflict\`). Sending a batch again is safe: stored ids come back under \`duplicates\`. Bodies up to ${SYNC_BODY_BYTES} bytes.`,
      security: [{ deviceToken: [] }],
      requestBody: { required: true, content: { 'application/json': { schema: ref('SyncRequest') } } },
      responses: { 200: json('What became of every event', 'SyncResponse'), ...errors(400, 401, 403, 413, 415, 429, 500) },
    },
  },
  '/api/v1/photos/{sha256}': {
    put: {
      summary: 'Upload a photo, with its user\'s consent; its metadata is stripped again on the server',
      security: [{ deviceToken: [] }],
      parameters: [{ name: 'sha256', in: 'path', required: true, description: 'sha256 (hex) of the bytes sent', schema: { type: 'string', pattern: '^[0-9a-f]{64}$' } }],
      requestBody: { required: true, content: { 'image/jpeg': { schema: { type: 'string', contentMediaType: 'image/jpeg', maxLength: MAX_PHOTO_BYTES } } } },
      responses: {
        201: json('Stored', 'PhotoUploadResponse'),
        200: json('The server already had it', 'PhotoUploadResponse'),
        ...errors(400, 401, 413, 415, 429, 500),
      },
    },
  },
  '/api/v1/admin/stats': {
    get: { summary: 'Counts of devices, events and photos, what was stored today and the daily quotas', security: [{ adminToken: [] }], responses: { 200: json('Counts', 'AdminStats'), ...errors(401, 500) } },
  },
  '/api/v1/admin/aggregate': {
    post: {
      summary: 'Run consensus now (after any run in progress): incremental when the server holds the state, `?full=true` recomputes from every event',
      security: [{ adminToken: [] }],
      parameters: [{ name: 'full', in: 'query', required: false, schema: { type: 'string', enum: ['true'] } }],
      responses: { 200: json('The run', 'ConsensusRun'), ...errors(401, 500) },
    },
  },
  '/api/v1/admin/consensus': {
    get: {
      summary: 'The latest consensus: feedback per day, per-tag precision and recall of the current model, devices by reliability, hard examples, the need per tag, alerts (rules held back)',
      security: [{ adminToken: [] }],
      responses: { 200: json('The dashboard\'s data', 'AdminConsensus'), ...errors(401, 500) },
    },
  },
  '/api/v1/admin/devices/{id}/release': {
    post: {
      summary: 'Release a device: its answers count again and no rule quarantines it again',
      security: [{ adminToken: [] }],
      parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
      responses: { 200: json('Its status now', 'DeviceStatusChange'), ...errors(401, 404, 500) },
    },
  },
  '/api/v1/admin/devices/{id}/ban': {
    post: {
      summary: 'Ban a device: its token is refused (403) and its stored answers are left out of consensus',
      security: [{ adminToken: [] }],
      parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
      responses: { 200: json('Its status now', 'DeviceStatusChange'), ...errors(401, 404, 500) },
    },
  },
  '/api/v1/admin/tags/merge': {
    post: {
      summary: 'Count a free-text tag (`text:…`, normalised) as a tag of the current model from the next run on',
      security: [{ adminToken: [] }],
      requestBody: { required: true, content: { 'application/json': { schema: ref('TagMergeRequest') } } },
      responses: { 200: json('The merge as stored (normalised)', 'TagMergeRequest'), ...errors(400, 401, 413, 415, 500) },
    },
  },
  '/api/v1/admin/photos/{sha256}/consensus': {
    get: {
      summary: 'How the latest consensus reached each of a photo\'s tags: prior, the model\'s weight, each device\'s answer, weight and status',
      security: [{ adminToken: [] }],
      parameters: [{ name: 'sha256', in: 'path', required: true, description: 'the photo id events name', schema: { type: 'string', pattern: '^[0-9a-f]{64}$' } }],
      responses: { 200: json('The audit', 'PhotoConsensus'), ...errors(400, 401, 404, 500) },
    },
  },
  '/api/v1/admin/taught-tags': {
    get: {
      summary: 'New taught tags waiting for the head, most taught first, with their evidence (positive photos, teachers trusted and all, samples), why the next training run would hold each back, and the admin\'s decision; and the policy (WANWU_NEW_TAGS)',
      security: [{ adminToken: [] }],
      responses: { 200: json('The policy and the waiting tags', 'AdminTaughtTags'), ...errors(401, 500) },
    },
  },
  '/api/v1/admin/taught-tags/{key}/approve': {
    post: {
      summary: 'Approve a taught tag: training learns it once it has the photos, whatever the automatic checks say',
      security: [{ adminToken: [] }],
      parameters: [TAUGHT_TAG_KEY],
      responses: { 200: json('The decision as stored', 'TagDecisionChange'), ...errors(400, 401, 404, 500) },
    },
  },
  '/api/v1/admin/taught-tags/{key}/refuse': {
    post: {
      summary: 'Refuse a taught tag: never learned, no need sent for it, and gone from phones with the next published version',
      security: [{ adminToken: [] }],
      parameters: [TAUGHT_TAG_KEY],
      responses: { 200: json('The decision as stored', 'TagDecisionChange'), ...errors(400, 401, 404, 500) },
    },
  },
  '/api/v1/admin/taught-tags/{key}/rename': {
    post: {
      summary: 'Rename a taught tag: it counts as `text:<name>` (approved) from the next consensus run on, its labels with it',
      security: [{ adminToken: [] }],
      parameters: [TAUGHT_TAG_KEY],
      requestBody: { required: true, content: { 'application/json': { schema: ref('TagRenameRequest') } } },
      responses: { 200: json('The new key and its decision', 'TagDecisionChange'), ...errors(400, 401, 404, 413, 415, 500) },
    },
  },
  '/api/v1/admin/photos/{sha256}': {
    get: {
      summary: 'A photo a device shared, for the dashboard\'s hard examples',
      security: [{ adminToken: [] }],
      parameters: [{ name: 'sha256', in: 'path', required: true, schema: { type: 'string', pattern: '^[0-9a-f]{64}$' } }],
      responses: { 200: { description: 'The photo', content: { 'image/jpeg': { schema: { type: 'string', contentMediaType: 'image/jpeg' } } } }, ...errors(401, 404, 500) },
    },
  },
  '/api/v1/admin/training': {
    post: {
      summary: 'Start a training run: it trains a candidate head from the consensus labels and publishes it when it passes the gate',
      security: [{ adminToken: [] }],
      responses: { 202: json('Started: the run as recorded, status `running`; follow it with GET', 'TrainingRun'), ...errors(401, 409, 500) },
    },
    get: {
      summary: 'The running run\'s progress, and the latest runs (data counts, metrics of candidate and current model, gate decision, duration), newest first',
      security: [{ adminToken: [] }],
      responses: { 200: json('Progress and runs', 'AdminTraining'), ...errors(401, 500) },
    },
  },
  '/api/v1/admin/models': {
    get: {
      summary: 'Every model version, newest first, the current one marked',
      security: [{ adminToken: [] }],
      responses: { 200: json('The versions', 'ModelVersions'), ...errors(401, 500) },
    },
  },
  '/api/v1/admin/models/rollback': {
    post: {
      summary: 'Make an earlier model version current again: apps switch to it at their next check',
      security: [{ adminToken: [] }],
      requestBody: { required: true, content: { 'application/json': { schema: ref('RollbackRequest') } } },
      responses: { 200: json('The versions, the new current one marked', 'ModelVersions'), ...errors(400, 401, 404, 413, 415, 500) },
    },
  },
  '/api/v1/openapi.json': {
    get: { summary: 'This document', responses: { 200: { description: 'OpenAPI 3.1', content: { 'application/json': { schema: { type: 'object' } } } } } },
  },
};
