import { AdminStatsSchema, DeviceRegistrationSchema } from '../server/contract/sync.ts';
import { startServer, type RunningServer } from '../test/browser.ts';
import { createTestDatabase, startTestPostgres, type TestPostgres } from '../test/postgres.ts';
import { fixed, formatTable, writeResult } from './report.ts';
import { createBatchBodies, EMBEDDING_DIMS } from './sync/events.ts';
import { runLoad, type LoadResult } from './sync/load.ts';

/**
 * `npm run bench -- sync`: the real server (bench/sync/server.ts: the app on the real repository,
 * plus the same app with event storage left out under /bench/noop) in its own process, loaded by
 * autocannon from this one over loopback. Batches of 100 events with embeddings, SQLite and
 * PostgreSQL; the no-op route runs beside each, so the ratio is the cost of storing.
 */
const EVENTS_PER_BATCH = 100;
/** Devices the load is spread over (each request takes the next token). */
const DEVICES = 32;
const SYNC_PATH = '/api/v1/sync';
const NOOP_PATH = `/bench/noop${SYNC_PATH}`;
/** The latency target holds at this share of the sustained rate. */
const LOAD_SHARE = 0.8;
const TARGET_EVENTS_PER_SECOND = 20_000;
const TARGET_P99_MS = 250;

interface Backend {
  name: 'sqlite' | 'postgres';
  noop: LoadResult;
  stored: LoadResult;
  atShare: LoadResult;
  /** Events the server holds after the runs (admin stats), against those acknowledged to autocannon. */
  storedEvents: number;
  acknowledgedEvents: number;
}

export async function runSync({ seconds, connections }: { seconds: number; connections: number }): Promise<void> {
  const nextBody = createBatchBodies(EVENTS_PER_BATCH);
  const backends: Backend[] = [];
  backends.push(await withServer({}, (server) => measure('sqlite', server, nextBody, seconds, connections)));
  const postgres = await startTestPostgres().catch((error: Error) => {
    console.warn(`PostgreSQL skipped: ${error.message}`);
    return null;
  });
  if (postgres) backends.push(await measurePostgres(postgres, nextBody, seconds, connections));
  report(backends, seconds);
  console.log(`wrote ${await writeResult('sync', { eventsPerBatch: EVENTS_PER_BATCH, embeddingDims: EMBEDDING_DIMS, devices: DEVICES, seconds, connections, backends })}`);
}

async function measurePostgres(postgres: TestPostgres, nextBody: () => Buffer, seconds: number, connections: number): Promise<Backend> {
  try {
    const database = await createTestDatabase(postgres.url);
    try {
      return await withServer({ DATABASE_URL: database.url }, (server) => measure('postgres', server, nextBody, seconds, connections));
    } finally {
      await database.drop();
    }
  } finally {
    await postgres.stop();
  }
}

async function withServer<T>(env: Record<string, string>, use: (server: RunningServer) => Promise<T>): Promise<T> {
  const server = await startServer({
    // The bench measures storing, not the limiter: devices and registrations are not rate-limited.
    WANWU_SYNC_RATE: '1000000',
    WANWU_REGISTER_RATE: '1000000',
    ...env,
  }, { entry: 'bench/sync/server.ts' });
  try {
    return await use(server);
  } finally {
    await server.stop();
  }
}

async function measure(name: Backend['name'], server: RunningServer, nextBody: () => Buffer, seconds: number, connections: number): Promise<Backend> {
  const tokens = await Promise.all(Array.from({ length: DEVICES }, () => register(server.url)));
  const load = (path: string, overrides: { seconds?: number; overallRate?: number } = {}) =>
    runLoad({ url: server.url, path, tokens, nextBody, eventsPerBody: EVENTS_PER_BATCH, connections, seconds, ...overrides });
  // Warm-up: JIT, the database's caches and files; its events count among those acknowledged below.
  const warmUp = await load(SYNC_PATH, { seconds: 3 });
  console.log(`${name}: warmed up`);
  const noop = await load(NOOP_PATH);
  console.log(`${name}: no-op ${fixed(noop.eventsPerSecond, 0)} events/s`);
  const stored = await load(SYNC_PATH);
  console.log(`${name}: stored ${fixed(stored.eventsPerSecond, 0)} events/s`);
  const atShare = await load(SYNC_PATH, { overallRate: (LOAD_SHARE * stored.eventsPerSecond) / EVENTS_PER_BATCH });
  console.log(`${name}: at ${LOAD_SHARE * 100} %, p99 ${fixed(atShare.p99Ms, 0)} ms`);
  const acknowledgedEvents = [warmUp, stored, atShare].reduce((sum, run) => sum + run.requests * EVENTS_PER_BATCH, 0);
  return { name, noop, stored, atShare, storedEvents: await storedEvents(server), acknowledgedEvents };
}

async function register(url: string): Promise<string> {
  const response = await fetch(`${url}/api/v1/devices`, { method: 'POST' });
  if (response.status !== 201) throw new Error(`registering a device answered ${response.status}: ${await response.text()}`);
  return DeviceRegistrationSchema.parse(await response.json()).token;
}

async function storedEvents({ url, adminToken }: RunningServer): Promise<number> {
  const response = await fetch(`${url}/api/v1/admin/stats`, { headers: { authorization: `Bearer ${adminToken}` } });
  if (response.status !== 200) throw new Error(`admin stats answered ${response.status}: ${await response.text()}`);
  return AdminStatsSchema.parse(await response.json()).events;
}

function report(backends: readonly Backend[], seconds: number): void {
  const row = (backend: Backend, route: string, run: LoadResult, ratio: string) => [
    backend.name,
    route,
    run.overallRate === null ? `max (${run.connections} conn.)` : `${fixed(run.overallRate, 0)} req/s`,
    fixed(run.eventsPerSecond, 0),
    fixed(run.p50Ms, 0),
    fixed(run.p99Ms, 0),
    String(run.failures),
    ratio,
  ];
  const rows = backends.flatMap((backend) => [
    row(backend, 'no-op', backend.noop, '1.00'),
    row(backend, 'store', backend.stored, fixed(backend.stored.eventsPerSecond / backend.noop.eventsPerSecond, 2)),
    row(backend, `store at ${LOAD_SHARE * 100} %`, backend.atShare, ''),
  ]);
  console.log(`\nPOST /api/v1/sync, ${EVENTS_PER_BATCH} events (${EMBEDDING_DIMS}-d embeddings) a request, ${seconds} s a run\n`);
  console.log(formatTable(['backend', 'route', 'load', 'events/s', 'p50 ms', 'p99 ms', 'failures', 'store / no-op'], rows));
  const sqlite = backends.find((backend) => backend.name === 'sqlite');
  if (sqlite) {
    const met = (ok: boolean) => (ok ? 'met' : 'missed');
    console.log(`\ntarget ≥ ${TARGET_EVENTS_PER_SECOND} events/s with SQLite: ${met(sqlite.stored.eventsPerSecond >= TARGET_EVENTS_PER_SECOND)}; ` +
      `p99 < ${TARGET_P99_MS} ms at ${LOAD_SHARE * 100} %: ${met(sqlite.atShare.p99Ms < TARGET_P99_MS)}`);
  }
  for (const backend of backends) {
    console.log(`${backend.name}: ${backend.storedEvents} events stored, ${backend.acknowledgedEvents} acknowledged to the load generator`);
  }
}
