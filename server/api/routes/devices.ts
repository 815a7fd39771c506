import { randomUUID } from 'node:crypto';
import { Hono } from 'hono';
import { ApiError } from '../../api-error.ts';
import type { DeviceRegistration } from '../../contract/sync.ts';
import { hashToken, newToken } from '../../security/tokens.ts';
import type { Repository } from '../../storage/repository.ts';
import type { ApiEnv } from '../api-env.ts';
import { SMALL_BODY_BYTES } from '../limits.ts';
import { limitBody } from '../middleware/body-limit.ts';
import { limitPerAddress, type RateLimiter } from '../middleware/rate-limit.ts';

/** How long a ban also closes registration from the address the banned device registered from. */
export const BAN_COVERS_ADDRESS_MS = 24 * 60 * 60 * 1000;

/**
 * `POST /devices`: a new device and its bearer token, shown this once; only the token's hash is
 * kept, with the address it came from, so that a banned device cannot simply register again.
 */
export function deviceRoutes(repository: Repository, registrations: RateLimiter) {
  return new Hono<ApiEnv>().post('/devices', limitPerAddress(registrations), limitBody(SMALL_BODY_BYTES), async (c) => {
    const address = c.var.clientAddress;
    if (await repository.bannedFrom(address, new Date(Date.now() - BAN_COVERS_ADDRESS_MS))) {
      throw new ApiError(403, 'banned', 'A device registered from this address was banned; no new device can register from it for a day');
    }
    const registration: DeviceRegistration = { deviceId: randomUUID(), token: newToken() };
    await repository.createDevice({ id: registration.deviceId, tokenHash: hashToken(registration.token), createdAt: new Date(), address });
    c.set('deviceId', registration.deviceId);
    c.header('Cache-Control', 'no-store');
    return c.json(registration, 201);
  });
}
