import { afterEach, describe, expect, it } from 'vitest';
import { ADMIN_GUESSES_PER_MINUTE } from '../../server/api/middleware/auth.ts';
import { createTestApi, type TestApi } from '../api-app.ts';

/** Guessing the admin token, and hiding behind (or pretending to be) a reverse proxy. */

let api: TestApi;
afterEach(() => api.close());

const fromAddress = (address: string, headers: Record<string, string> = {}) => ({ headers: { 'X-Forwarded-For': address, ...headers } });
const stats = (token: string, address: string) => api.app.request('/api/v1/admin/stats', fromAddress(address, { Authorization: `Bearer ${token}` }));
const register = (forwardedFor: string) => api.app.request('/api/v1/devices', { method: 'POST', ...fromAddress(forwardedFor) });

describe('guessing the admin token', () => {
  it('slows an address down after a burst of wrong tokens, for every admin route, right token or not', async () => {
    api = await createTestApi({ trustProxy: true });
    const burst = ADMIN_GUESSES_PER_MINUTE / 2;
    for (let i = 0; i < burst; i++) expect((await stats(`wrong-guess-${i}-xxxxxxxxxxxx`, '203.0.113.7')).status).toBe(401);
    const refused = await stats('one-more-wrong-guess-xxxxxxxx', '203.0.113.7');
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('Retry-After'))).toBeGreaterThan(0);
    // Waiting means waiting: the right token from that address is refused too, on another admin route as well.
    expect((await stats(api.adminToken, '203.0.113.7')).status).toBe(429);
    expect((await api.app.request('/api/v1/admin/training', fromAddress('203.0.113.7', { Authorization: `Bearer ${api.adminToken}` }))).status).toBe(429);
    // The admin elsewhere is not locked out.
    expect((await stats(api.adminToken, '198.51.100.2')).status).toBe(200);
  });
});

describe('client addresses behind a reverse proxy (WANWU_TRUST_PROXY)', () => {
  it('gives each client its own registration bucket, keyed by the address the proxy appended', async () => {
    api = await createTestApi({ trustProxy: true, limits: { registrationsPerMinute: 6 } });
    for (let i = 0; i < 3; i++) expect((await register('203.0.113.7')).status).toBe(201);
    expect((await register('203.0.113.7')).status).toBe(429);
    expect((await register('198.51.100.2')).status).toBe(201);
    // A client cannot pick its own bucket: what it wrote before the proxy's entry is ignored.
    expect((await register('192.0.2.55, 203.0.113.7')).status).toBe(429);
  });

  it('ignores X-Forwarded-For when no proxy is trusted: every client of one peer shares its bucket', async () => {
    api = await createTestApi({ limits: { registrationsPerMinute: 6 } });
    for (let i = 0; i < 3; i++) expect((await register(`203.0.113.${i}`)).status).toBe(201);
    expect((await register('198.51.100.2')).status).toBe(429);
  });
});

describe('a banned device registering again', () => {
  it('is refused from the address it registered from, for a day; other addresses register as before', async () => {
    api = await createTestApi({ trustProxy: true });
    const registered = await register('203.0.113.9');
    const { deviceId } = (await registered.json()) as { deviceId: string };
    const ban = await api.app.request(`/api/v1/admin/devices/${deviceId}/ban`, { method: 'POST', headers: { Authorization: `Bearer ${api.adminToken}` } });
    expect(ban.status).toBe(200);
    const again = await register('203.0.113.9');
    expect(again.status).toBe(403);
    expect(await again.json()).toMatchObject({ code: 'banned' });
    expect((await register('198.51.100.4')).status).toBe(201);
  });
});
