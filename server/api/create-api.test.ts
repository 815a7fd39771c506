import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verdictEvents } from '../../bench/sync/events.ts';
import { createTestApi, type TestApi } from '../../test/api-app.ts';
import { AdminStatsSchema, DeviceRegistrationSchema } from '../contract/sync.ts';
import { hashToken } from '../security/tokens.ts';

let api: TestApi;
beforeAll(async () => {
  api = await createTestApi({ corsOrigins: ['https://wanwu.example'] });
});
afterAll(() => api.close());

const stats = (authorization?: string) =>
  Promise.resolve(api.app.request('/api/v1/admin/stats', { headers: authorization ? { Authorization: authorization } : {} }));

describe('POST /api/v1/devices', () => {
  it('registers a device with a random token and keeps only its hash', async () => {
    const res = await api.app.request('/api/v1/devices', { method: 'POST' });
    expect(res.status).toBe(201);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const registration = DeviceRegistrationSchema.parse(await res.json());
    expect(registration.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect((await api.repository.deviceByTokenHash(hashToken(registration.token)))?.id).toBe(registration.deviceId);
    expect((await api.register()).token).not.toBe(registration.token);
    const stored = readdirSync(api.dataDir).filter((name) => name.startsWith('wanwu.sqlite'));
    for (const name of stored) expect(readFileSync(join(api.dataDir, name)).includes(registration.token), name).toBe(false);
  });

  it('limits registrations per address with 429 and Retry-After', async () => {
    const limited = await createTestApi({ limits: { registrationsPerMinute: 6 } });
    try {
      const statuses = [];
      for (let i = 0; i < 4; i++) statuses.push((await limited.app.request('/api/v1/devices', { method: 'POST' })).status);
      expect(statuses).toEqual([201, 201, 201, 429]);
      const refused = await limited.app.request('/api/v1/devices', { method: 'POST' });
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect((await limited.repository.stats()).devices).toBe(3);
    } finally {
      await limited.close();
    }
  });
});

describe('GET /api/v1/admin/stats', () => {
  it('needs the admin token: a device token or a wrong one gets 401', async () => {
    const { token } = await api.register();
    for (const authorization of [undefined, `Bearer ${token}`, 'Bearer wrong', `Bearer ${api.adminToken}x`]) {
      const res = await stats(authorization);
      expect(res.status, authorization).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
    }
    const res = await stats(`Bearer ${api.adminToken}`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject(await api.repository.stats());
  });

  it("lists today's usage and the devices nearest their per-device quotas, nearest first", async () => {
    const [busy, quiet] = [await api.register(), await api.register()];
    expect((await api.sync(busy.token, verdictEvents(30))).status).toBe(200);
    expect((await api.sync(quiet.token, verdictEvents(3))).status).toBe(200);
    const body = AdminStatsSchema.parse(await (await stats(`Bearer ${api.adminToken}`)).json());
    expect(body.today.events).toBeGreaterThanOrEqual(33);
    expect(body.nearestQuota.map((row) => [row.deviceId, row.events])).toEqual([[busy.deviceId, 30], [quiet.deviceId, 3]]);
  });
});

describe('GET /api/v1/openapi.json', () => {
  it('is an OpenAPI 3.1 document listing every route, its errors and security, with resolvable references', async () => {
    const res = await api.app.request('/api/v1/openapi.json');
    expect(res.status).toBe(200);
    const text = await res.text();
    const document = JSON.parse(text);
    expect(document.openapi).toBe('3.1.0');
    expect(Object.keys(document.paths).sort()).toEqual([
      '/api/v1/admin/aggregate', '/api/v1/admin/consensus', '/api/v1/admin/devices/{id}/ban', '/api/v1/admin/devices/{id}/release', '/api/v1/admin/models',
      '/api/v1/admin/models/rollback',
      '/api/v1/admin/photos/{sha256}', '/api/v1/admin/photos/{sha256}/consensus', '/api/v1/admin/stats', '/api/v1/admin/tags/merge',
      '/api/v1/admin/taught-tags', '/api/v1/admin/taught-tags/{key}/approve', '/api/v1/admin/taught-tags/{key}/refuse', '/api/v1/admin/taught-tags/{key}/rename',
      '/api/v1/admin/training', '/api/v1/devices', '/api/v1/health',
      '/api/v1/models/current', '/api/v1/openapi.json', '/api/v1/photos/{sha256}', '/api/v1/sync',
    ]);
    expect(Object.keys(document.paths['/api/v1/sync'].post.responses).sort()).toEqual(['200', '400', '401', '403', '413', '415', '429', '500']);
    expect(document.paths['/api/v1/sync'].post.security).toEqual([{ deviceToken: [] }]);
    expect(document.paths['/api/v1/admin/stats'].get.security).toEqual([{ adminToken: [] }]);
    expect(document.components.schemas.FeedbackEvent.oneOf).toHaveLength(5);
    for (const [, pointer] of text.matchAll(/"\$ref":"#\/([^"]+)"/g)) {
      const target = pointer.split('/').reduce((node: Record<string, unknown> | undefined, key) => node?.[key] as Record<string, unknown>, document);
      expect(target, pointer).toBeDefined();
    }
  });
});

describe('CORS', () => {
  it('answers only the origins it is told to allow; the app\'s own origin needs none', async () => {
    const preflight = (origin: string) => api.app.request('/api/v1/sync', {
      method: 'OPTIONS',
      headers: { Origin: origin, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'authorization,content-type' },
    });
    const allowed = await preflight('https://wanwu.example');
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://wanwu.example');
    expect(allowed.headers.get('access-control-allow-headers')).toMatch(/authorization/i);
    expect((await preflight('https://evil.example')).headers.get('access-control-allow-origin')).toBeNull();
    const bare = await createTestApi();
    try {
      const res = await bare.app.request('/api/v1/health', { headers: { Origin: 'https://wanwu.example' } });
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
    } finally {
      await bare.close();
    }
  });
});

describe('logs', () => {
  it('writes one JSON line per request with route, status, time and device, and never a token', async () => {
    const { token, deviceId } = await api.register();
    api.logs.length = 0;
    await api.sync(token, verdictEvents(2));
    await api.sync(`${token}-forged`, []);
    await stats(`Bearer ${api.adminToken}`);
    await api.app.request(`/api/v1/sync?token=${token}`, { method: 'POST', headers: { Authorization: `Bearer ${token}` }, body: '[' });
    const lines = api.logs.map((line) => JSON.parse(line));
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatchObject({ method: 'POST', route: '/api/v1/sync', status: 200, deviceId, ms: expect.any(Number) });
    expect(lines[1]).toMatchObject({ status: 401 });
    expect(lines[1].deviceId).toBeUndefined();
    expect(lines[2]).toMatchObject({ route: '/api/v1/admin/stats', status: 200 });
    expect(lines[3]).toMatchObject({ status: 415, deviceId });
    const all = api.logs.join('');
    expect(all).not.toContain(token);
    expect(all).not.toContain(api.adminToken);
  });
});
