import type { Migration } from './migrations.ts';

/**
 * Step 5: each consensus run keeps the rules it held back (alerts, ../consensus/quarantine.ts), as
 * JSON beside its wanted tags: only the dashboard and the CLI read them back, whole, from the latest
 * run. Runs stored before this step have none.
 */
export const CONSENSUS_ALERTS_MIGRATION: Migration = {
  version: 5,
  name: 'consensus run alerts',
  sqlite: `ALTER TABLE consensus_runs ADD COLUMN alerts TEXT NOT NULL DEFAULT '[]';`,
  postgres: `ALTER TABLE consensus_runs ADD COLUMN alerts jsonb NOT NULL DEFAULT '[]';`,
};
