/**
 * The schema, as numbered steps applied in order (each in its own transaction) and recorded in
 * `schema_migrations`. A step, once released, never changes: a new need is a new version.
 * Both dialects stay side by side so a reader sees at once that they hold the same thing.
 *
 * Times: TEXT in UTC ISO-8601 (sorts as it reads) in SQLite, timestamptz in PostgreSQL.
 * `payload` is the whole validated event, embedding included, exactly as accepted.
 *
 * Events are indexed by id and device only. An index on photo_id (random 64-hex keys) put every
 * insert on a different index page and cost a third of SQLite's time per sync batch; whatever
 * comes to read events by photo adds the index it needs in its own step.
 */
import { CONSENSUS_ALERTS_MIGRATION } from './consensus-alerts-migration.ts';
import { CONSENSUS_MIGRATION } from './consensus-migration.ts';
import { DEVICE_USAGE_MIGRATION } from './device-usage-migration.ts';
import { TAG_DECISIONS_MIGRATION } from './tag-decisions-migration.ts';
import { TRAINING_MIGRATION } from './training-migration.ts';

export interface Migration {
  version: number;
  name: string;
  sqlite: string;
  postgres: string;
}

/** Created before any migration runs, so that it can record them. */
export const MIGRATIONS_TABLE = {
  sqlite: `CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`,
  postgres: `CREATE TABLE IF NOT EXISTS schema_migrations (
    version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL)`,
} as const;

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'devices, events, photos, settings',
    sqlite: `
      CREATE TABLE devices (
        id TEXT PRIMARY KEY,
        token_hash TEXT NOT NULL UNIQUE,
        created_at TEXT NOT NULL
      );
      CREATE TABLE events (
        id TEXT PRIMARY KEY,
        device_id TEXT NOT NULL REFERENCES devices (id),
        type TEXT NOT NULL,
        photo_id TEXT NOT NULL,
        tag_key TEXT,
        verdict TEXT,
        model TEXT NOT NULL,
        at TEXT NOT NULL,
        received_at TEXT NOT NULL,
        payload TEXT NOT NULL
      );
      CREATE INDEX events_device ON events (device_id);
      CREATE TABLE photos (
        id TEXT PRIMARY KEY,
        bytes INTEGER NOT NULL,
        device_id TEXT NOT NULL REFERENCES devices (id),
        stored_at TEXT NOT NULL
      );
      CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
      );`,
    postgres: `
      CREATE TABLE devices (
        id text PRIMARY KEY,
        token_hash text NOT NULL UNIQUE,
        created_at timestamptz NOT NULL
      );
      CREATE TABLE events (
        id text PRIMARY KEY,
        device_id text NOT NULL REFERENCES devices (id),
        type text NOT NULL,
        photo_id text NOT NULL,
        tag_key text,
        verdict text,
        model text NOT NULL,
        at timestamptz NOT NULL,
        received_at timestamptz NOT NULL,
        payload jsonb NOT NULL
      );
      CREATE INDEX events_device ON events (device_id);
      CREATE TABLE photos (
        id text PRIMARY KEY,
        bytes integer NOT NULL,
        device_id text NOT NULL REFERENCES devices (id),
        stored_at timestamptz NOT NULL
      );
      CREATE TABLE settings (
        key text PRIMARY KEY,
        value text NOT NULL
      );`,
  },
  CONSENSUS_MIGRATION,
  TRAINING_MIGRATION,
  DEVICE_USAGE_MIGRATION,
  CONSENSUS_ALERTS_MIGRATION,
  TAG_DECISIONS_MIGRATION,
];
