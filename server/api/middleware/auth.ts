import type { Context, MiddlewareHandler } from 'hono';
import { ApiError } from '../../api-error.ts';
import { hashToken, tokenMatches } from '../../security/tokens.ts';
import type { Repository } from '../../storage/repository.ts';
import type { ApiEnv, DeviceEnv } from '../api-env.ts';
import { createRateLimiter, takeOrRefuse, type RateLimiter } from './rate-limit.ts';

/** Longer than any token this server makes; longer headers are refused before any hashing. */
const MAX_TOKEN_LENGTH = 256;

/**
 * Authenticates a device by its bearer token, then takes from its bucket in `limiter`. The token
 * is looked up by its sha256, so the comparison happens on a hash the caller cannot steer.
 */
export function deviceAuth(repository: Repository, limiter: RateLimiter): MiddlewareHandler<DeviceEnv> {
  return async (c, next) => {
    const device = await repository.deviceByTokenHash(hashToken(bearerToken(c)));
    if (!device) throw unauthorized('Unknown device token; register again with POST /api/v1/devices');
    if (device.banned) throw new ApiError(403, 'banned', 'An admin banned this device');
    c.set('deviceId', device.id);
    takeOrRefuse(limiter, device.id);
    await next();
  };
}

/** Wrong admin tokens one client address may try a minute before it must wait. */
export const ADMIN_GUESSES_PER_MINUTE = 10;

/**
 * Admits requests carrying the admin token, compared in constant time. Guessing is slowed: after
 * half a minute's worth of wrong tokens (ADMIN_GUESSES_PER_MINUTE a minute) from one address, that address gets 429 (with
 * `Retry-After`) for every admin request, right token or not, until its bucket refills. One guard
 * serves every admin route, so the count is shared.
 */
export function adminAuth(adminTokenHash: string): MiddlewareHandler<ApiEnv> {
  // A bucket of wrong guesses per address: only wrong tokens take from it, and while it is empty the address waits.
  const guesses = createRateLimiter(ADMIN_GUESSES_PER_MINUTE);
  return async (c, next) => {
    const address = c.var.clientAddress;
    const wait = guesses.wait(address);
    if (wait > 0) throw new ApiError(429, 'rate-limited', `Too many wrong admin tokens; try again in ${wait} s`, { 'Retry-After': String(wait) });
    if (!tokenMatches(bearerToken(c), adminTokenHash)) {
      guesses.take(address);
      throw unauthorized('Wrong admin token');
    }
    await next();
  };
}

function bearerToken(c: Context): string {
  const match = /^Bearer +(\S+) *$/i.exec(c.req.header('Authorization') ?? '');
  if (!match || match[1].length > MAX_TOKEN_LENGTH) throw unauthorized('Send `Authorization: Bearer <token>`');
  return match[1];
}

function unauthorized(message: string): ApiError {
  return new ApiError(401, 'unauthorized', message, { 'WWW-Authenticate': 'Bearer realm="wanwu"' });
}
