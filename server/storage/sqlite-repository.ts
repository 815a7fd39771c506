import Database from 'better-sqlite3';
import type { FeedbackEvent } from '../contract/feedback-event.ts';
import { eventRow, type EventRow } from './event-row.ts';
import { MIGRATIONS, MIGRATIONS_TABLE } from './migrations.ts';
import { sqliteConsensusStore } from './sqlite-consensus.ts';
import { sqliteTrainingStore } from './sqlite-training.ts';
import { usageDay, type DailyUsage, type DeviceRecord, type PhotoRecord, type Repository, type StoredEvents } from './repository.ts';
import { startCheckpointer } from './sqlite-checkpointer.ts';

/** The database file inside the data folder. */
export const SQLITE_FILE = 'wanwu.sqlite';

/**
 * The embedded default: one SQLite file, one connection. better-sqlite3 is synchronous, so every
 * method is one short statement or one short transaction; the event loop is never held for long.
 */
export function openSqliteRepository(file: string): Repository {
  const db = new Database(file);
  // Big pages for a log of ~3 kB rows (mostly the embedding): a 100-event commit appends a few
  // WAL frames instead of a hundred, which took a third off the time per batch against 4 kB
  // pages. It only takes effect while the file is new, before WAL is switched on.
  db.pragma('page_size = 65536');
  // WAL: readers never block the writer. synchronous=NORMAL: a commit is in the WAL in the OS page
  // cache before it returns, so it survives the process being killed (SIGKILL, a crash); only
  // power loss may take the last commits, which only synchronous=FULL (an fsync per commit) would
  // prevent. DEVELOPERS.md has the measurement behind this choice.
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
  // Checkpoints run in a worker thread (./sqlite-checkpointer.ts), not inside our commits; should
  // it fail, SQLite's own automatic checkpoints (every 1000 pages) take over again.
  db.pragma('wal_autocheckpoint = 0');
  db.pragma(`journal_size_limit = ${64 * 1024 * 1024}`);
  const checkpointer = startCheckpointer(file, () => db.pragma('wal_autocheckpoint = 1000'));

  let prepared: ReturnType<typeof prepare> | null = null;
  // Statements need the tables, so they are prepared on first use, after migrate().
  const statements = () => (prepared ??= prepare(db));

  const storeEvents = db.transaction((deviceId: string, rows: EventRow[], receivedAt: string, day: string): StoredEvents => {
    const { insertEvent, eventOwner, addUsage } = statements();
    const result: StoredEvents = { accepted: [], duplicates: [], conflicts: [] };
    let bytes = 0;
    for (const row of rows) {
      const { changes } = insertEvent.run(
        row.id, deviceId, row.type, row.photoId, row.tagKey, row.verdict, row.model, row.at, receivedAt, row.payload,
      );
      if (changes === 1) {
        result.accepted.push(row.id);
        bytes += row.payload.length;
      } else if (eventOwner.get(row.id) === deviceId) result.duplicates.push(row.id);
      else result.conflicts.push(row.id);
    }
    if (result.accepted.length > 0) addUsage.run(deviceId, day, result.accepted.length, bytes, 0);
    return result;
  });

  const recordPhoto = db.transaction((photo: PhotoRecord): boolean => {
    const { insertPhoto, addUsage } = statements();
    const storedAt = photo.storedAt.toISOString();
    if (insertPhoto.run(photo.id, photo.bytes, photo.deviceId, storedAt).changes !== 1) return false;
    addUsage.run(photo.deviceId, usageDay(photo.storedAt), 0, photo.bytes, 1);
    return true;
  });

  return {
    kind: 'sqlite',
    ...sqliteConsensusStore(db),
    ...sqliteTrainingStore(db),

    async migrate() {
      db.exec(MIGRATIONS_TABLE.sqlite);
      const applied = new Set(db.prepare('SELECT version FROM schema_migrations').pluck().all() as number[]);
      const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
      for (const migration of MIGRATIONS) {
        if (applied.has(migration.version)) continue;
        db.transaction(() => {
          db.exec(migration.sqlite);
          record.run(migration.version, migration.name, new Date().toISOString());
        }).immediate();
      }
    },

    async createDevice(device) {
      statements().insertDevice.run(device.id, device.tokenHash, device.createdAt.toISOString(), device.address);
    },

    async deviceByTokenHash(tokenHash) {
      const row = statements().deviceByTokenHash.get(tokenHash) as { id: string; created_at: string; banned: number } | undefined;
      return row ? { id: row.id, tokenHash, createdAt: new Date(row.created_at), banned: row.banned === 1 } satisfies DeviceRecord : null;
    },

    async storeEvents(deviceId, events, receivedAt) {
      // Serialised before the transaction opens, so the write lock is held only for the inserts.
      const rows = events.map((event) => eventRow(event, receivedAt));
      return storeEvents.immediate(deviceId, rows, receivedAt.toISOString(), usageDay(receivedAt));
    },

    async eventsOfDevice(deviceId) {
      const payloads = statements().eventsOfDevice.all(deviceId) as string[];
      return payloads.map((payload) => JSON.parse(payload) as FeedbackEvent);
    },

    async recordPhoto(photo) {
      return recordPhoto.immediate(photo);
    },

    async usage(day, deviceId) {
      const { deviceUsage, everyoneUsage } = statements();
      const key = usageDay(day);
      const device = deviceId === undefined ? undefined : (deviceUsage.get(deviceId, key) as DailyUsage | undefined);
      return { device: device ?? { events: 0, bytes: 0, photos: 0 }, everyone: everyoneUsage.get(key) as DailyUsage };
    },

    async devicesNearestQuota(day, quota, limit) {
      return statements().nearestQuota.all(usageDay(day), quota.events, quota.bytes, quota.photos, limit) as (DailyUsage & { deviceId: string })[];
    },

    async stats() {
      return statements().stats.get() as { devices: number; events: number; photos: number };
    },

    async setting(key) {
      return (statements().setting.get(key) as string | undefined) ?? null;
    },

    async setSetting(key, value) {
      statements().setSetting.run(key, value);
    },

    async close() {
      await checkpointer.stop();
      db.close();
    },
  };
}

function prepare(db: Database.Database) {
  return {
    insertDevice: db.prepare('INSERT INTO devices (id, token_hash, created_at, registered_from) VALUES (?, ?, ?, ?)'),
    deviceByTokenHash: db.prepare("SELECT id, created_at, admin_status IS 'banned' AS banned FROM devices WHERE token_hash = ?"),
    insertEvent: db.prepare(
      `INSERT INTO events (id, device_id, type, photo_id, tag_key, verdict, model, at, received_at, payload)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
    ),
    eventOwner: db.prepare('SELECT device_id FROM events WHERE id = ?').pluck(),
    eventsOfDevice: db.prepare('SELECT payload FROM events WHERE device_id = ? ORDER BY at, id').pluck(),
    insertPhoto: db.prepare(
      'INSERT INTO photos (id, bytes, device_id, stored_at) VALUES (?, ?, ?, ?) ON CONFLICT (id) DO NOTHING',
    ),
    addUsage: db.prepare(
      `INSERT INTO device_usage (device_id, day, events, bytes, photos) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (device_id, day) DO UPDATE SET
         events = events + excluded.events, bytes = bytes + excluded.bytes, photos = photos + excluded.photos`,
    ),
    nearestQuota: db.prepare(
      `SELECT device_id AS deviceId, events, bytes, photos FROM device_usage WHERE day = ?
       ORDER BY max(events * 1.0 / ?, bytes * 1.0 / ?, photos * 1.0 / ?) DESC, device_id LIMIT ?`,
    ),
    deviceUsage: db.prepare('SELECT events, bytes, photos FROM device_usage WHERE device_id = ? AND day = ?'),
    everyoneUsage: db.prepare(
      'SELECT coalesce(sum(events), 0) AS events, coalesce(sum(bytes), 0) AS bytes, coalesce(sum(photos), 0) AS photos FROM device_usage WHERE day = ?',
    ),
    stats: db.prepare(
      `SELECT (SELECT count(*) FROM devices) AS devices, (SELECT count(*) FROM events) AS events,
              (SELECT count(*) FROM photos) AS photos`,
    ),
    setting: db.prepare('SELECT value FROM settings WHERE key = ?').pluck(),
    setSetting: db.prepare(
      'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
    ),
  };
}
