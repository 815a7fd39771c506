import { randomUUID } from 'node:crypto';
import { Hono } from 'hono';
import type { DeviceRegistration } from '../../contract/sync.ts';
import { hashToken, newToken } from '../../security/tokens.ts';
import type { Repository } from '../../storage/repository.ts';
import type { ApiEnv } from '../api-env.ts';
import { SMALL_BODY_BYTES } from '../limits.ts';
import { limitBody } from '../middleware/body-limit.ts';
import { limitPerAddress, type RateLimiter } from '../middleware/rate-limit.ts';

/** `POST /devices`: a new device and its bearer token, shown this once; only the token's hash is kept. */
export function deviceRoutes(repository: Repository, registrations: RateLimiter) {
  return new Hono<ApiEnv>().post('/devices', limitPerAddress(registrations), limitBody(SMALL_BODY_BYTES), async (c) => {
    const registration: DeviceRegistration = { deviceId: randomUUID(), token: newToken() };
    await repository.createDevice({ id: registration.deviceId, tokenHash: hashToken(registration.token), createdAt: new Date() });
    c.set('deviceId', registration.deviceId);
    c.header('Cache-Control', 'no-store');
    return c.json(registration, 201);
  });
}
