import type { Migration } from './migrations.ts';

/**
 * Step 4: where a device registered from, and when an admin banned it, so that a ban also closes
 * registration from that address for a while (../api/routes/devices.ts). Devices registered
 * before this step have no address.
 */
export const DEVICE_ADDRESS_MIGRATION: Migration = {
  version: 4,
  name: 'device registration address and ban time',
  sqlite: `
    ALTER TABLE devices ADD COLUMN registered_from TEXT;
    ALTER TABLE devices ADD COLUMN banned_at TEXT;
    CREATE INDEX devices_registered_from ON devices (registered_from);`,
  postgres: `
    ALTER TABLE devices ADD COLUMN registered_from text, ADD COLUMN banned_at timestamptz;
    CREATE INDEX devices_registered_from ON devices (registered_from);`,
};
