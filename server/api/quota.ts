import { ApiError } from '../api-error.ts';
import { QUOTA_MB as MB } from '../contract/sync.ts';
import { usageDay, type Repository } from '../storage/repository.ts';
import type { ApiLimits } from './limits.ts';

/**
 * Refuses with 429 `quota-exceeded` (Retry-After: the next UTC day) when the device, or everyone
 * together, has stored today's quota of `what`. Checked before a store, so one request can pass a
 * quota by at most itself (500 events, one photo); refused requests lose nothing, the device
 * keeps them and sends them tomorrow.
 */
export async function ensureWithinQuota(repository: Repository, deviceId: string, limits: ApiLimits, what: 'events' | 'photos'): Promise<void> {
  const now = new Date();
  const { device, everyone } = await repository.usage(now, deviceId);
  const full =
    (what === 'events' && device.events >= limits.deviceEventsPerDay && `${limits.deviceEventsPerDay} events a day for one device`) ||
    (what === 'photos' && device.photos >= limits.devicePhotosPerDay && `${limits.devicePhotosPerDay} photos a day for one device`) ||
    (device.bytes >= limits.deviceMegabytesPerDay * MB && `${limits.deviceMegabytesPerDay} MB a day for one device`) ||
    (everyone.bytes >= limits.megabytesPerDay * MB && `${limits.megabytesPerDay} MB a day for all devices together`);
  if (!full) return;
  const tomorrow = Date.parse(`${usageDay(now)}T00:00:00Z`) + 86_400_000;
  const wait = Math.ceil((tomorrow - now.getTime()) / 1000);
  throw new ApiError(429, 'quota-exceeded', `The server takes at most ${full}; try again tomorrow (UTC)`, { 'Retry-After': String(wait) });
}
