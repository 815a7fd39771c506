import type { Migration } from './migrations.ts';

/**
 * Step 6: an admin's decision about each new taught tag (a `text:` key): approved or refused.
 * A rename is no decision of its own: it merges the tag into another `text:` key (tag_merges,
 * step 2) and approves that one, so existing labels follow the new name.
 */
export const TAG_DECISIONS_MIGRATION: Migration = {
  version: 6,
  name: 'admin decisions about new taught tags',
  sqlite: `
    CREATE TABLE tag_decisions (
      tag_key TEXT PRIMARY KEY,
      decision TEXT NOT NULL CHECK (decision IN ('approved', 'refused')),
      decided_at TEXT NOT NULL
    );`,
  postgres: `
    CREATE TABLE tag_decisions (
      tag_key text PRIMARY KEY,
      decision text NOT NULL CHECK (decision IN ('approved', 'refused')),
      decided_at timestamptz NOT NULL
    );`,
};
