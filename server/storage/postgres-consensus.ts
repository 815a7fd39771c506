import type pg from 'pg';
import type { ConsensusAlert, TagDecision } from '../contract/admin.ts';
import type { TagRef } from '../contract/feedback-event.ts';
import { storedNeed } from '../consensus/wanted-tags.ts';
import { deviceOf, DEVICES_SQL, factsOf, itemOf, type DeviceRow, type FactRow, type ItemRow } from './consensus-rows.ts';
import type { AdminDeviceStatus, ConsensusStore } from './repository.ts';

/** Rows per INSERT when storing a run's items. */
const CHUNK = 10_000;

/**
 * The consensus side of the PostgreSQL repository. Events are read by the id of the transaction
 * that stored them (column `xid`), and only from transactions older than the oldest still
 * running: sequence values are handed out before commit, so "after the last one read" could
 * skip an event a slower transaction committed later. The cursor is `<xid>:<event id>`.
 */
export function postgresConsensusStore(pool: pg.Pool): ConsensusStore {
  return {
    async eventsAfter(cursor, limit) {
      const [xid, id] = cursor === null ? ['0', ''] : [cursor.slice(0, cursor.indexOf(':')), cursor.slice(cursor.indexOf(':') + 1)];
      const { rows } = await pool.query<FactRow & { xid: string; tags: TagRef[] | null }>({
        name: 'events-after',
        text: `SELECT xid::text AS xid, id, device_id, type, photo_id, tag_key, verdict, at,
                      CASE WHEN type = 'tag-verdict' THEN (payload->>'score')::float8 END AS score,
                      CASE WHEN type = 'photo-confirmed' THEN payload->'tags' END AS tags,
                      CASE WHEN type = 'feedback-retracted' THEN payload->>'retracts' END AS retracts
               FROM events
               WHERE (xid, id) > ($1::xid8, $2) AND xid < pg_snapshot_xmin(pg_current_snapshot())
               ORDER BY xid, id LIMIT $3`,
        values: [xid, id, limit],
      });
      const last = rows.at(-1);
      return { events: rows.map((row) => factsOf(row, row.tags)), cursor: last ? `${last.xid}:${last.id}` : `${xid}:${id}` };
    },

    async saveConsensus(snapshot, mode) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        if (mode === 'replace') await client.query('DELETE FROM consensus_items');
        await client.query('DELETE FROM consensus_devices');
        for (let start = 0; start < snapshot.items.length; start += CHUNK) {
          const chunk = snapshot.items.slice(start, start + CHUNK);
          await client.query({
            name: 'upsert-consensus-items',
            text: `INSERT INTO consensus_items (photo_id, tag_key, probability, votes, model_score, hard)
                   SELECT * FROM unnest($1::text[], $2::text[], $3::float8[], $4::int[], $5::float8[], $6::bool[])
                   ON CONFLICT (photo_id, tag_key) DO UPDATE SET probability = excluded.probability, votes = excluded.votes,
                     model_score = excluded.model_score, hard = excluded.hard`,
            values: [
              chunk.map((i) => i.photoId), chunk.map((i) => i.tagKey), chunk.map((i) => i.probability), chunk.map((i) => i.votes),
              chunk.map((i) => i.modelScore), chunk.map((i) => i.hard),
            ],
          });
        }
        const d = snapshot.devices;
        await client.query({
          name: 'insert-consensus-devices',
          text: `INSERT INTO consensus_devices (device_id, sensitivity, specificity, reliability, uncertainty, votes, quarantine_reason, quarantine_evidence)
                 SELECT * FROM unnest($1::text[], $2::float8[], $3::float8[], $4::float8[], $5::float8[], $6::int[], $7::text[], $8::text[])`,
          values: [
            d.map((x) => x.deviceId), d.map((x) => x.sensitivity), d.map((x) => x.specificity), d.map((x) => x.reliability),
            d.map((x) => x.uncertainty), d.map((x) => x.votes), d.map((x) => x.quarantine?.reason ?? null), d.map((x) => x.quarantine?.evidence ?? null),
          ],
        });
        const { run } = snapshot;
        await client.query({
          name: 'insert-consensus-run',
          text: 'INSERT INTO consensus_runs (at, ms, votes, incremental, wanted_tags, feedback_per_day, alerts) VALUES ($1, $2, $3, $4, $5, $6, $7)',
          values: [run.at, run.ms, run.votes, run.incremental, JSON.stringify(snapshot.need), JSON.stringify(snapshot.feedbackPerDay), JSON.stringify(snapshot.alerts)],
        });
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        throw error;
      } finally {
        client.release();
      }
    },

    async latestConsensusRun() {
      const { rows } = await pool.query<{
        at: Date; ms: number; votes: number; incremental: boolean; wanted_tags: unknown; feedback_per_day: { day: string; events: number }[]; alerts: ConsensusAlert[];
      }>('SELECT at, ms, votes, incremental, wanted_tags, feedback_per_day, alerts FROM consensus_runs ORDER BY id DESC LIMIT 1');
      const row = rows[0];
      if (!row) return null;
      return {
        run: { at: row.at.toISOString(), ms: row.ms, votes: row.votes, incremental: row.incremental },
        need: storedNeed(row.wanted_tags),
        feedbackPerDay: row.feedback_per_day,
        alerts: row.alerts,
      };
    },

    async consensusDevices() {
      const { rows } = await pool.query<DeviceRow>(DEVICES_SQL);
      return rows.map(deviceOf);
    },

    async confidentItems(confidence) {
      const { rows } = await pool.query<ItemRow>('SELECT * FROM consensus_items WHERE probability >= $1 OR probability <= $2', [confidence, 1 - confidence]);
      return rows.map(itemOf);
    },

    async hardItems(limit) {
      const { rows } = await pool.query<ItemRow & { shared: boolean }>(
        `SELECT i.*, EXISTS (SELECT 1 FROM photos p WHERE p.id = i.photo_id) AS shared FROM consensus_items i
         WHERE i.hard ORDER BY abs(coalesce(i.model_score, 0.5) - i.probability) DESC, i.photo_id, i.tag_key LIMIT $1`,
        [limit],
      );
      return rows.map((row) => ({ ...itemOf(row), shared: row.shared }));
    },

    async adminDeviceStatuses() {
      const { rows } = await pool.query<{ id: string; admin_status: AdminDeviceStatus }>('SELECT id, admin_status FROM devices WHERE admin_status IS NOT NULL');
      return new Map(rows.map((row) => [row.id, row.admin_status]));
    },

    async setAdminDeviceStatus(deviceId, status) {
      const bannedAt = status === 'banned' ? new Date() : null;
      const { rowCount } = await pool.query('UPDATE devices SET admin_status = $1, banned_at = $2 WHERE id = $3', [status, bannedAt, deviceId]);
      return rowCount === 1;
    },

    async bannedFrom(address, since) {
      const { rowCount } = await pool.query(
        "SELECT 1 FROM devices WHERE registered_from = $1 AND admin_status = 'banned' AND banned_at > $2 LIMIT 1",
        [address, since],
      );
      return rowCount === 1;
    },

    async tagMerges() {
      const { rows } = await pool.query<{ from_key: string; into_key: string }>('SELECT from_key, into_key FROM tag_merges');
      return new Map(rows.map((row) => [row.from_key, row.into_key]));
    },

    async mergeTag(from, into) {
      await pool.query(
        'INSERT INTO tag_merges (from_key, into_key) VALUES ($1, $2) ON CONFLICT (from_key) DO UPDATE SET into_key = excluded.into_key',
        [from, into],
      );
    },

    async tagDecisions() {
      const { rows } = await pool.query<{ tag_key: string; decision: TagDecision }>('SELECT tag_key, decision FROM tag_decisions');
      return new Map(rows.map((row) => [row.tag_key, row.decision]));
    },

    async decideTag(tagKey, decision) {
      await pool.query(
        `INSERT INTO tag_decisions (tag_key, decision, decided_at) VALUES ($1, $2, now())
         ON CONFLICT (tag_key) DO UPDATE SET decision = excluded.decision, decided_at = excluded.decided_at`,
        [tagKey, decision],
      );
    },
  };
}

