import { z } from 'zod';
import { Sha256HexSchema } from './feedback-event.ts';

/**
 * The sync API's request and response bodies (`/api/v1/...`). The server validates with these,
 * serves them as its OpenAPI document, and the app parses the server's answers with them.
 */

/** Most events one sync request may carry; a device with more sends several batches. */
export const MAX_SYNC_EVENTS = 500;
/** Largest photo `PUT /api/v1/photos/<sha256>` accepts. */
export const MAX_PHOTO_BYTES = 2 * 1024 * 1024;
/** Longest side of a shared photo: the app keeps photos at 1280 px (app/photos/prepare-photo.ts); slack for other clients. */
export const MAX_PHOTO_SIDE = 2048;

export const ErrorBodySchema = z.object({
  /** Stable and machine-readable, e.g. `bad-request`, `unauthorized`, `rate-limited`. */
  code: z.string(),
  /** For people; never a stack trace. */
  message: z.string(),
});

export const DeviceRegistrationSchema = z.object({
  deviceId: z.uuid(),
  /** Bearer token for every later call; shown once, stored hashed by the server. */
  token: z.string().min(32),
});

/**
 * Events stay `unknown` here on purpose: each is validated alone against FeedbackEventSchema,
 * so one malformed event is rejected while the rest of the batch is stored.
 */
export const SyncRequestSchema = z.object({
  events: z.array(z.unknown()).max(MAX_SYNC_EVENTS),
});

/** Most tags a sync answer lists with their own need; the rest share one number. */
export const MAX_NEED_TAGS = 100;

const NeedSchema = z.number().min(0).max(1);

/**
 * How much the server needs answers about each tag, in [0, 1] (1: it has no evidence at all). The
 * quick question weighs a tag's uncertainty on the photo by it. Most tags share one need (early on,
 * every tag nobody answered yet), so that need is sent once as `others`, and only the tags whose
 * need differs are listed.
 */
export const TagNeedSchema = z.object({
  /** Tag keys (vocabulary ids, or `text:` tags) with their need, most needed first. */
  tags: z.array(z.object({ tag: z.string(), need: NeedSchema })).max(MAX_NEED_TAGS),
  /** The need of every tag apps may be asked about that `tags` does not list. */
  others: NeedSchema,
});

/** Nothing known (no consensus run yet): every tag is needed alike, and the photo alone decides what to ask. */
export const UNKNOWN_NEED: TagNeed = { tags: [], others: 1 };

/** A tag's need as `need` says: listed, else the others'. */
export function needOf(need: TagNeed, tag: string): number {
  return need.tags.find((listed) => listed.tag === tag)?.need ?? need.others;
}

export const RejectedEventSchema = z.object({
  /** The event's id as sent (may be empty when it had none). */
  id: z.string(),
  code: z.string(),
  message: z.string(),
});

export const SyncResponseSchema = z.object({
  /** Stored by this request. */
  accepted: z.array(z.string()),
  /** Already stored before (a retry); as safe to forget as `accepted`. */
  duplicates: z.array(z.string()),
  /** Never stored; sending them again will not help. */
  rejected: z.array(RejectedEventSchema),
  /** The model bundle apps should be running. */
  model: z.object({ version: z.string().nullable() }),
  /** What the server needs answers about: the app's quick question weighs each tag by it. */
  need: TagNeedSchema,
  /** For apps from before `need`, which preferred these tags: the listed tags needed more than the others, most first. */
  wanted: z.array(z.string()),
});

export const PhotoUploadResponseSchema = z.object({
  id: Sha256HexSchema,
  /** false when the server already had these bytes. */
  stored: z.boolean(),
});

const UsageSchema = z.object({
  events: z.number().int().nonnegative(),
  /** Characters of the stored events' JSON plus the shared photos' bytes. */
  bytes: z.number().nonnegative(),
  photos: z.number().int().nonnegative(),
});

/** The quotas' megabyte (MiB). */
export const QUOTA_MB = 1024 * 1024;

export const AdminStatsSchema = z.object({
  devices: z.number().int().nonnegative(),
  events: z.number().int().nonnegative(),
  photos: z.number().int().nonnegative(),
  /** What all devices stored today (UTC), and the day's quotas (past one, a device or everyone gets 429 quota-exceeded). */
  today: UsageSchema,
  /** The devices nearest a per-device quota today (by the largest share of any of the three), nearest first. */
  nearestQuota: z.array(UsageSchema.extend({ deviceId: z.string() })),
  quotas: z.object({
    deviceEventsPerDay: z.number(),
    deviceMegabytesPerDay: z.number(),
    devicePhotosPerDay: z.number(),
    megabytesPerDay: z.number(),
  }),
});

export const HealthSchema = z.object({
  ok: z.boolean(),
  model: z.string().nullable(),
  database: z.enum(['sqlite', 'postgres']),
});

export type ErrorBody = z.infer<typeof ErrorBodySchema>;
export type DeviceRegistration = z.infer<typeof DeviceRegistrationSchema>;
export type SyncRequest = z.infer<typeof SyncRequestSchema>;
export type TagNeed = z.infer<typeof TagNeedSchema>;
export type RejectedEvent = z.infer<typeof RejectedEventSchema>;
export type SyncResponse = z.infer<typeof SyncResponseSchema>;
export type PhotoUploadResponse = z.infer<typeof PhotoUploadResponseSchema>;
export type AdminStats = z.infer<typeof AdminStatsSchema>;
export type Health = z.infer<typeof HealthSchema>;
