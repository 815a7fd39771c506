import { MAX_PHOTO_BYTES } from '../contract/sync.ts';
import { numberSetting } from '../config-error.ts';

/** How much the API takes, per request and per client; env overrides in `limitsFromEnv`. */
export interface ApiLimits {
  /** Sync requests per device per minute (token bucket; bursts up to half of it). */
  syncPerMinute: number;
  /** Photo uploads per device per minute. */
  photosPerMinute: number;
  /** Device registrations per client address per minute. */
  registrationsPerMinute: number;
  /** Quotas a UTC day (../storage/repository.ts usage): events and megabytes one device stores, photos it shares. */
  deviceEventsPerDay: number;
  deviceMegabytesPerDay: number;
  devicePhotosPerDay: number;
  /** Megabytes all devices together store a day: what a crowd of fresh devices can fill. */
  megabytesPerDay: number;
}

/**
 * A phone drains its outbox in a burst after days offline (3,000 events = 6 requests) and then
 * syncs every few minutes: 60 a minute is far above real use and still stops a runaway client.
 * A person judges a few hundred tags on a busy day; 20,000 events (about 110 MB with embeddings)
 * and 500 shared photos a device is far above that, and 10 GB a day for everyone keeps a crowd
 * of fresh devices from filling a disk in an afternoon.
 */
export const DEFAULT_LIMITS: ApiLimits = {
  syncPerMinute: 60,
  photosPerMinute: 120,
  registrationsPerMinute: 60,
  deviceEventsPerDay: 20_000,
  deviceMegabytesPerDay: 200,
  devicePhotosPerDay: 500,
  megabytesPerDay: 10_000,
};

/** Bodies of routes that take small JSON or none (registration, admin). */
export const SMALL_BODY_BYTES = 16 * 1024;

/**
 * A sync body holds at most MAX_SYNC_EVENTS (500) events. Today's detector embedding has 960 dims
 * (mean and max of the backbone): 3,840 bytes, 5,120 in base64, plus ~400 bytes of other fields
 * ≈ 5.5 KB an event, 2.8 MB a full batch. The limit leaves room for a 1,280-d embedding (6,828
 * base64 chars, ≈ 7.3 KB an event, 3.7 MB a batch). Larger embeddings need smaller batches; a 413 says so.
 */
export const SYNC_BODY_BYTES = 4 * 1024 * 1024;

/** A photo body is the JPEG itself. */
export const PHOTO_BODY_BYTES = MAX_PHOTO_BYTES;

const SETTINGS: Record<keyof ApiLimits, { name: string; unit: string }> = {
  syncPerMinute: { name: 'WANWU_SYNC_RATE', unit: 'requests a minute' },
  photosPerMinute: { name: 'WANWU_PHOTO_RATE', unit: 'requests a minute' },
  registrationsPerMinute: { name: 'WANWU_REGISTER_RATE', unit: 'requests a minute' },
  deviceEventsPerDay: { name: 'WANWU_DEVICE_EVENTS_PER_DAY', unit: 'events a device stores a day' },
  deviceMegabytesPerDay: { name: 'WANWU_DEVICE_MB_PER_DAY', unit: 'megabytes a device stores a day' },
  devicePhotosPerDay: { name: 'WANWU_DEVICE_PHOTOS_PER_DAY', unit: 'photos a device shares a day' },
  megabytesPerDay: { name: 'WANWU_MB_PER_DAY', unit: 'megabytes all devices store a day' },
};

/** The defaults, each overridden by its environment variable (SETTINGS). */
export function limitsFromEnv(env: NodeJS.ProcessEnv): ApiLimits {
  const limits = { ...DEFAULT_LIMITS };
  for (const key of Object.keys(SETTINGS) as (keyof ApiLimits)[]) {
    limits[key] = numberSetting(env, SETTINGS[key].name, DEFAULT_LIMITS[key], { min: 1, unit: SETTINGS[key].unit });
  }
  return limits;
}

/** `WANWU_CORS_ORIGINS`: a comma-separated list of other origins allowed to call the API. */
export function corsOriginsFromEnv(env: NodeJS.ProcessEnv): string[] {
  return (env.WANWU_CORS_ORIGINS ?? '').split(',').map((origin) => origin.trim()).filter(Boolean);
}
