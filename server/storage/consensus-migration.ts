import type { Migration } from './migrations.ts';

/**
 * Step 2: what consensus stores (../consensus/job.ts). Devices get the admin's decision; the
 * results of the latest run replace or update the items and devices; every run is recorded.
 * PostgreSQL events get the id of the transaction that stored them, so that a reader can take
 * exactly the events committed since its last read (sequence values are not given in commit
 * order); SQLite has one writer at a time and its rowid already is that order.
 */
export const CONSENSUS_MIGRATION: Migration = {
  version: 2,
  name: 'consensus: results, runs, admin device status, tag merges',
  sqlite: `
    ALTER TABLE devices ADD COLUMN admin_status TEXT;
    CREATE TABLE consensus_items (
      photo_id TEXT NOT NULL,
      tag_key TEXT NOT NULL,
      probability REAL NOT NULL,
      votes INTEGER NOT NULL,
      model_score REAL,
      hard INTEGER NOT NULL,
      PRIMARY KEY (photo_id, tag_key)
    );
    CREATE INDEX consensus_items_hard ON consensus_items (hard) WHERE hard = 1;
    CREATE TABLE consensus_devices (
      device_id TEXT PRIMARY KEY,
      sensitivity REAL NOT NULL,
      specificity REAL NOT NULL,
      reliability REAL NOT NULL,
      uncertainty REAL NOT NULL,
      votes INTEGER NOT NULL,
      quarantine_reason TEXT,
      quarantine_evidence TEXT
    );
    CREATE TABLE consensus_runs (
      id INTEGER PRIMARY KEY,
      at TEXT NOT NULL,
      ms REAL NOT NULL,
      votes INTEGER NOT NULL,
      incremental INTEGER NOT NULL,
      wanted_tags TEXT NOT NULL,
      feedback_per_day TEXT NOT NULL
    );
    CREATE TABLE tag_merges (
      from_key TEXT PRIMARY KEY,
      into_key TEXT NOT NULL
    );`,
  postgres: `
    ALTER TABLE devices ADD COLUMN admin_status text;
    ALTER TABLE events ADD COLUMN xid xid8 NOT NULL DEFAULT pg_current_xact_id();
    CREATE INDEX events_xid ON events (xid, id);
    CREATE TABLE consensus_items (
      photo_id text NOT NULL,
      tag_key text NOT NULL,
      probability double precision NOT NULL,
      votes integer NOT NULL,
      model_score double precision,
      hard boolean NOT NULL,
      PRIMARY KEY (photo_id, tag_key)
    );
    CREATE INDEX consensus_items_hard ON consensus_items (hard) WHERE hard;
    CREATE TABLE consensus_devices (
      device_id text PRIMARY KEY,
      sensitivity double precision NOT NULL,
      specificity double precision NOT NULL,
      reliability double precision NOT NULL,
      uncertainty double precision NOT NULL,
      votes integer NOT NULL,
      quarantine_reason text,
      quarantine_evidence text
    );
    CREATE TABLE consensus_runs (
      id bigserial PRIMARY KEY,
      at timestamptz NOT NULL,
      ms double precision NOT NULL,
      votes integer NOT NULL,
      incremental boolean NOT NULL,
      wanted_tags jsonb NOT NULL,
      feedback_per_day jsonb NOT NULL
    );
    CREATE TABLE tag_merges (
      from_key text PRIMARY KEY,
      into_key text NOT NULL
    );`,
};
