import pg from 'pg';
import type { FeedbackEvent } from '../contract/feedback-event.ts';
import { eventRow } from './event-row.ts';
import { MIGRATIONS, MIGRATIONS_TABLE } from './migrations.ts';
import { postgresConsensusStore } from './postgres-consensus.ts';
import { postgresTrainingStore } from './postgres-training.ts';
import { usageDay, type DailyUsage, type Repository, type StoredEvents } from './repository.ts';

/** Held while migrating, so that several servers starting at once migrate one after the other. */
const MIGRATION_LOCK = 0x77616e77; // "wanw"

/**
 * PostgreSQL, when DATABASE_URL is set: the scale-out path (several API instances, one database).
 * Statements are named, so each connection parses and plans them once.
 */
export function openPostgresRepository(connectionString: string): Repository {
  const pool = new pg.Pool({ connectionString, max: 10 });
  // A connection that breaks while idle (the server restarted) is dropped by the pool and the next
  // query opens a new one; without a listener the error would end the process.
  pool.on('error', () => {});

  return {
    kind: 'postgres',
    ...postgresConsensusStore(pool),
    ...postgresTrainingStore(pool),

    async migrate() {
      const client = await pool.connect();
      try {
        await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
        await client.query(MIGRATIONS_TABLE.postgres);
        const { rows } = await client.query<{ version: number }>('SELECT version FROM schema_migrations');
        const applied = new Set(rows.map((row) => row.version));
        for (const migration of MIGRATIONS) {
          if (applied.has(migration.version)) continue;
          await transaction(client, async () => {
            await client.query(migration.postgres);
            await client.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, now())', [
              migration.version,
              migration.name,
            ]);
          });
        }
      } finally {
        await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => {});
        client.release();
      }
    },

    async createDevice(device) {
      await pool.query({
        name: 'insert-device',
        text: 'INSERT INTO devices (id, token_hash, created_at, registered_from) VALUES ($1, $2, $3, $4)',
        values: [device.id, device.tokenHash, device.createdAt, device.address],
      });
    },

    async deviceByTokenHash(tokenHash) {
      const { rows } = await pool.query<{ id: string; created_at: Date; banned: boolean }>({
        name: 'device-by-token-hash',
        text: "SELECT id, created_at, admin_status IS NOT DISTINCT FROM 'banned' AS banned FROM devices WHERE token_hash = $1",
        values: [tokenHash],
      });
      return rows[0] ? { id: rows[0].id, tokenHash, createdAt: rows[0].created_at, banned: rows[0].banned } : null;
    },

    async storeEvents(deviceId, events, receivedAt) {
      // Inserted in id order: two devices sending overlapping ids at once then wait for each other
      // in the same order and cannot deadlock. One INSERT is one transaction: all or nothing.
      const rows = events.map((event) => eventRow(event, receivedAt)).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      const column = <K extends keyof (typeof rows)[number]>(key: K) => rows.map((row) => row[key]);
      // One statement: the events and the day's usage they add are stored together or not at all.
      const insert = await pool.query<{ id: string }>({
        name: 'insert-events',
        text: `WITH sent AS (
                 SELECT * FROM unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::timestamptz[], $10::text[])
                   AS e (id, type, photo_id, tag_key, verdict, model, at, payload)
               ), inserted AS (
                 INSERT INTO events (id, device_id, type, photo_id, tag_key, verdict, model, at, received_at, payload)
                 SELECT id, $1, type, photo_id, tag_key, verdict, model, at, $2, payload::jsonb FROM sent
                 ON CONFLICT (id) DO NOTHING RETURNING id
               ), usage AS (
                 INSERT INTO device_usage (device_id, day, events, bytes)
                 SELECT $1, ($2::timestamptz AT TIME ZONE 'UTC')::date, count(*), sum(length(sent.payload)) FROM inserted JOIN sent USING (id)
                 HAVING count(*) > 0
                 ON CONFLICT (device_id, day) DO UPDATE SET events = device_usage.events + excluded.events, bytes = device_usage.bytes + excluded.bytes
               )
               SELECT id FROM inserted`,
        values: [
          deviceId, receivedAt, column('id'), column('type'), column('photoId'), column('tagKey'), column('verdict'),
          column('model'), column('at'), column('payload'),
        ],
      });
      // Answered in the order sent; an id sent twice in one batch is accepted once, then a duplicate.
      const inserted = new Set(insert.rows.map((row) => row.id));
      const result: StoredEvents = { accepted: [], duplicates: [], conflicts: [] };
      const others: string[] = [];
      for (const { id } of events) {
        if (inserted.delete(id)) result.accepted.push(id);
        else others.push(id);
      }
      if (others.length === 0) return result;
      // A separate statement, so it sees rows that a concurrent sync committed while ours waited.
      const owners = await pool.query<{ id: string; device_id: string }>({
        name: 'event-owners',
        text: 'SELECT id, device_id FROM events WHERE id = ANY($1::text[])',
        values: [others],
      });
      const ownerOf = new Map(owners.rows.map((row) => [row.id, row.device_id]));
      for (const id of others) (ownerOf.get(id) === deviceId ? result.duplicates : result.conflicts).push(id);
      return result;
    },

    async eventsOfDevice(deviceId) {
      const { rows } = await pool.query<{ payload: FeedbackEvent }>({
        name: 'events-of-device',
        text: 'SELECT payload FROM events WHERE device_id = $1 ORDER BY at, id',
        values: [deviceId],
      });
      return rows.map((row) => row.payload);
    },

    async recordPhoto(photo) {
      const { rowCount } = await pool.query({
        name: 'insert-photo',
        text: `WITH stored AS (
                 INSERT INTO photos (id, bytes, device_id, stored_at) VALUES ($1, $2, $3, $4) ON CONFLICT (id) DO NOTHING RETURNING bytes
               )
               INSERT INTO device_usage (device_id, day, bytes, photos)
               SELECT $3, ($4::timestamptz AT TIME ZONE 'UTC')::date, bytes, 1 FROM stored
               ON CONFLICT (device_id, day) DO UPDATE SET bytes = device_usage.bytes + excluded.bytes, photos = device_usage.photos + 1`,
        values: [photo.id, photo.bytes, photo.deviceId, photo.storedAt],
      });
      return rowCount === 1;
    },

    async usage(day, deviceId) {
      const { rows } = await pool.query<DailyUsage & { who: 'device' | 'everyone' }>({
        name: 'usage',
        text: `SELECT 'device' AS who, events, bytes::float8 AS bytes, photos FROM device_usage WHERE day = $2::date AND device_id = $1
               UNION ALL
               SELECT 'everyone', coalesce(sum(events), 0)::int, coalesce(sum(bytes), 0)::float8, coalesce(sum(photos), 0)::int
               FROM device_usage WHERE day = $2::date`,
        values: [deviceId ?? null, usageDay(day)],
      });
      const counts = (who: 'device' | 'everyone'): DailyUsage => {
        const row = rows.find((r) => r.who === who);
        return row ? { events: row.events, bytes: row.bytes, photos: row.photos } : { events: 0, bytes: 0, photos: 0 };
      };
      return { device: counts('device'), everyone: counts('everyone') };
    },

    async devicesNearestQuota(day, quota, limit) {
      const { rows } = await pool.query<DailyUsage & { deviceId: string }>({
        name: 'devices-nearest-quota',
        text: `SELECT device_id AS "deviceId", events, bytes::float8 AS bytes, photos FROM device_usage WHERE day = $1::date
               ORDER BY greatest(events::float8 / $2, bytes::float8 / $3, photos::float8 / $4) DESC, device_id LIMIT $5`,
        values: [usageDay(day), quota.events, quota.bytes, quota.photos, limit],
      });
      return rows;
    },

    async stats() {
      const { rows } = await pool.query<{ devices: number; events: number; photos: number }>({
        name: 'stats',
        text: `SELECT (SELECT count(*) FROM devices)::int AS devices, (SELECT count(*) FROM events)::int AS events,
                      (SELECT count(*) FROM photos)::int AS photos`,
      });
      return rows[0];
    },

    async setting(key) {
      const { rows } = await pool.query<{ value: string }>({
        name: 'setting',
        text: 'SELECT value FROM settings WHERE key = $1',
        values: [key],
      });
      return rows[0]?.value ?? null;
    },

    async setSetting(key, value) {
      await pool.query({
        name: 'set-setting',
        text: 'INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
        values: [key, value],
      });
    },

    async close() {
      await pool.end();
    },
  };
}

async function transaction(client: pg.PoolClient, work: () => Promise<void>): Promise<void> {
  await client.query('BEGIN');
  try {
    await work();
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  }
}
