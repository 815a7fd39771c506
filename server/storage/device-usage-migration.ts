import type { Migration } from './migrations.ts';

/**
 * Step 4: where a device registered from, and when an admin banned it, so that a ban also closes
 * registration from that address for a while (../api/routes/devices.ts); devices registered
 * before this step have no address. And what each device stored each UTC day (events, their
 * bytes, photos), counted in the same transaction as the store, so quotas cost one row read.
 */
export const DEVICE_USAGE_MIGRATION: Migration = {
  version: 4,
  name: 'device registration address, ban time, daily usage',
  sqlite: `
    ALTER TABLE devices ADD COLUMN registered_from TEXT;
    ALTER TABLE devices ADD COLUMN banned_at TEXT;
    CREATE INDEX devices_registered_from ON devices (registered_from);
    CREATE TABLE device_usage (
      device_id TEXT NOT NULL,
      day TEXT NOT NULL,
      events INTEGER NOT NULL DEFAULT 0,
      bytes INTEGER NOT NULL DEFAULT 0,
      photos INTEGER NOT NULL DEFAULT 0,
      PRIMARY KEY (device_id, day)
    );
    CREATE INDEX device_usage_day ON device_usage (day);`,
  postgres: `
    ALTER TABLE devices ADD COLUMN registered_from text, ADD COLUMN banned_at timestamptz;
    CREATE INDEX devices_registered_from ON devices (registered_from);
    CREATE TABLE device_usage (
      device_id text NOT NULL,
      day date NOT NULL,
      events integer NOT NULL DEFAULT 0,
      bytes bigint NOT NULL DEFAULT 0,
      photos integer NOT NULL DEFAULT 0,
      PRIMARY KEY (device_id, day)
    );
    CREATE INDEX device_usage_day ON device_usage (day);`,
};
