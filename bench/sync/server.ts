import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { pino } from 'pino';
import { appDepsFromEnv } from '../../server/app-deps.ts';
import { createApp } from '../../server/app.ts';
import type { Repository } from '../../server/storage/repository.ts';

/**
 * The sync bench's server, wired as server/main.ts wires it, with a twin app under `/bench/noop`:
 * the same routes, authentication, parsing and validation on the same repository, except that
 * sync stores nothing. Comparing the two routes gives the cost of storing.
 */
// Given by the bench, which reads the admin stats with it; so no token is ever generated here.
if (!process.env.WANWU_ADMIN_TOKEN) throw new Error('WANWU_ADMIN_TOKEN must be set for the bench server');
const deps = await appDepsFromEnv(process.env, pino({ level: process.env.LOG_LEVEL ?? 'info' }), () => {});

/** The repository with event storage left out: every valid event is acknowledged, none is written. */
function withoutStoringEvents(real: Repository): Repository {
  return { ...real, storeEvents: async (_deviceId, events) => ({ accepted: events.map((event) => event.id), duplicates: [], conflicts: [] }) };
}

const app = new Hono()
  .route('/bench/noop', createApp({ ...deps, repository: withoutStoringEvents(deps.repository) }))
  .route('/', createApp(deps));
serve({ fetch: app.fetch, hostname: process.env.HOST ?? '127.0.0.1', port: Number(process.env.PORT) });
