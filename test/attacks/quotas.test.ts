import { createHash } from 'node:crypto';
import jpeg from 'jpeg-js';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { verdictEvents } from '../../bench/sync/events.ts';
import { AdminStatsSchema } from '../../server/contract/sync.ts';
import { createTestApi, type TestApi } from '../api-app.ts';
import { createTestDatabase } from '../postgres.ts';

/**
 * Storage an attacker can fill: each device, and all devices together, store at most a day's
 * quota; past it a device hears 429 quota-exceeded until the next UTC day and keeps what it had.
 */

let api: TestApi;
/** Each test counts from an empty day: a database of its own. */
let drop: (() => Promise<void>) | undefined;
afterEach(async () => {
  await api.close();
  await drop?.();
  drop = undefined;
});

async function freshPostgres(): Promise<string> {
  const database = await createTestDatabase(inject('postgresUrl'));
  drop = database.drop;
  return database.url;
}

const photo = (seed: number) => new Uint8Array(jpeg.encode({ width: 16, height: 16, data: new Uint8Array(16 * 16 * 4).fill(seed) }, 80).data);

async function putPhoto(token: string, bytes: Uint8Array): Promise<Response> {
  const id = createHash('sha256').update(bytes).digest('hex');
  return api.app.request(`/api/v1/photos/${id}`, { method: 'PUT', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'image/jpeg' }, body: new Uint8Array(bytes) });
}

describe.each([
  ['SQLite', async () => undefined],
  ['PostgreSQL', freshPostgres],
])('daily quotas on %s', (_name, databaseUrl) => {
  it('stops a device at its events quota until tomorrow, and lets others sync', async () => {
    api = await createTestApi({ databaseUrl: await databaseUrl(), limits: { deviceEventsPerDay: 300 } });
    const flooder = await api.register();
    for (const _ of [1, 2]) expect((await api.sync(flooder.token, verdictEvents(200))).status).toBe(200);
    const refused = await api.sync(flooder.token, verdictEvents(10));
    expect(refused.status).toBe(429);
    expect(await refused.json()).toMatchObject({ code: 'quota-exceeded', message: expect.stringMatching(/300 events a day for one device/) });
    const wait = Number(refused.headers.get('Retry-After'));
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(86_400);
    const honest = await api.register();
    expect((await api.sync(honest.token, verdictEvents(5))).status).toBe(200);
  });

  it('stops everyone once all devices together stored the day\'s megabytes, and shows it to the admin', async () => {
    api = await createTestApi({ databaseUrl: await databaseUrl(), limits: { megabytesPerDay: 1 } });
    // 200 events with 960-d embeddings are about 1.1 MB.
    const first = await api.register();
    expect((await api.sync(first.token, verdictEvents(200))).status).toBe(200);
    const fresh = await api.register();
    expect((await api.sync(fresh.token, verdictEvents(1))).status).toBe(429);
    expect((await putPhoto(fresh.token, photo(1))).status).toBe(429);
    const stats = AdminStatsSchema.parse(await (await api.app.request('/api/v1/admin/stats', { headers: { Authorization: `Bearer ${api.adminToken}` } })).json());
    expect(stats.today.events).toBeGreaterThanOrEqual(200);
    expect(stats.today.bytes).toBeGreaterThan(1024 * 1024);
    expect(stats.quotas.megabytesPerDay).toBe(1);
  });

  it('stops a device at its photos quota', async () => {
    api = await createTestApi({ databaseUrl: await databaseUrl(), limits: { devicePhotosPerDay: 2, photosPerMinute: 1000 } });
    const { token } = await api.register();
    expect((await putPhoto(token, photo(1))).status).toBe(201);
    expect((await putPhoto(token, photo(2))).status).toBe(201);
    const third = await putPhoto(token, photo(3));
    expect(third.status).toBe(429);
    expect(await third.json()).toMatchObject({ code: 'quota-exceeded' });
  });
});
