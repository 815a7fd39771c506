import type { Context, MiddlewareHandler } from 'hono';
import { ApiError } from '../../api-error.ts';
import { hashToken, tokenMatches } from '../../security/tokens.ts';
import type { Repository } from '../../storage/repository.ts';
import type { ApiEnv, DeviceEnv } from '../api-env.ts';
import { takeOrRefuse, type RateLimiter } from './rate-limit.ts';

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

/** Admits requests carrying the admin token, compared in constant time. */
export function adminAuth(adminTokenHash: string): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    if (!tokenMatches(bearerToken(c), adminTokenHash)) throw unauthorized('Wrong admin token');
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
