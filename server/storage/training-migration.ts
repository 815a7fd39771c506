import type { Migration } from './migrations.ts';

/**
 * Step 3: what training records and the model registry keeps (../training/job.ts,
 * ../models/registry.ts). A run is stored whole as JSON (only the admin reads it back, whole).
 * A version's manifest is text, byte for byte as apps receive it, so its ETag never changes.
 * The current version is one row whose foreign key refuses a version never published; no row, or
 * a null version, means the bundle `npm run models` built.
 */
export const TRAINING_MIGRATION: Migration = {
  version: 3,
  name: 'training runs, model versions, current model version',
  sqlite: `
    CREATE TABLE training_runs (
      id TEXT PRIMARY KEY,
      started_at TEXT NOT NULL,
      run TEXT NOT NULL
    );
    CREATE INDEX training_runs_started ON training_runs (started_at);
    CREATE TABLE model_versions (
      version TEXT PRIMARY KEY,
      manifest TEXT NOT NULL,
      created_at TEXT NOT NULL,
      run_id TEXT,
      previous TEXT
    );
    CREATE TABLE model_current (
      id INTEGER PRIMARY KEY CHECK (id = 1),
      version TEXT REFERENCES model_versions (version)
    );`,
  postgres: `
    CREATE TABLE training_runs (
      id text PRIMARY KEY,
      started_at timestamptz NOT NULL,
      run jsonb NOT NULL
    );
    CREATE INDEX training_runs_started ON training_runs (started_at);
    CREATE TABLE model_versions (
      version text PRIMARY KEY,
      manifest text NOT NULL,
      created_at timestamptz NOT NULL,
      run_id text,
      previous text
    );
    CREATE TABLE model_current (
      id integer PRIMARY KEY CHECK (id = 1),
      version text REFERENCES model_versions (version)
    );`,
};
