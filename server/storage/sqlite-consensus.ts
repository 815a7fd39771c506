import type Database from 'better-sqlite3';
import type { TagDecision } from '../contract/admin.ts';
import type { TagRef } from '../contract/feedback-event.ts';
import { storedNeed } from '../consensus/wanted-tags.ts';
import { deviceOf, DEVICES_SQL, factsOf, itemOf, type DeviceRow, type FactRow, type ItemRow } from './consensus-rows.ts';
import type { AdminDeviceStatus, ConsensusStore } from './repository.ts';

/**
 * The consensus side of the SQLite repository. Events are read in rowid order: SQLite has one
 * writer at a time, so rowids grow in commit order (VACUUM may renumber them, which the server
 * never runs; a process restarts its reading from the start anyway). Only the fields consensus
 * needs are read, never the embedding.
 */
export function sqliteConsensusStore(db: Database.Database): ConsensusStore {
  let prepared: ReturnType<typeof prepare> | null = null;
  const statements = () => (prepared ??= prepare(db));

  const saveConsensus = db.transaction((snapshot: Parameters<ConsensusStore['saveConsensus']>[0], mode: 'replace' | 'update') => {
    const s = statements();
    if (mode === 'replace') s.clearItems.run();
    s.clearDevices.run();
    for (const item of snapshot.items) {
      s.upsertItem.run(item.photoId, item.tagKey, item.probability, item.votes, item.modelScore, item.hard ? 1 : 0);
    }
    for (const d of snapshot.devices) {
      s.insertDevice.run(d.deviceId, d.sensitivity, d.specificity, d.reliability, d.uncertainty, d.votes, d.quarantine?.reason ?? null, d.quarantine?.evidence ?? null);
    }
    const { run } = snapshot;
    s.insertRun.run(run.at, run.ms, run.votes, run.incremental ? 1 : 0, JSON.stringify(snapshot.need), JSON.stringify(snapshot.feedbackPerDay), JSON.stringify(snapshot.alerts));
  });

  return {
    async eventsAfter(cursor, limit) {
      const rows = statements().eventsAfter.all(cursor === null ? 0 : Number(cursor), limit) as (FactRow & { seq: number; tags: string | null })[];
      return { events: rows.map((row) => factsOf(row, row.tags === null ? null : (JSON.parse(row.tags) as TagRef[]))), cursor: String(rows.at(-1)?.seq ?? (cursor ?? 0)) };
    },

    async saveConsensus(snapshot, mode) {
      saveConsensus.immediate(snapshot, mode);
    },

    async latestConsensusRun() {
      const row = statements().latestRun.get() as
        | { at: string; ms: number; votes: number; incremental: number; wanted_tags: string; feedback_per_day: string; alerts: string }
        | undefined;
      if (!row) return null;
      return {
        run: { at: row.at, ms: row.ms, votes: row.votes, incremental: row.incremental === 1 },
        need: storedNeed(JSON.parse(row.wanted_tags)),
        feedbackPerDay: JSON.parse(row.feedback_per_day),
        alerts: JSON.parse(row.alerts),
      };
    },

    async consensusDevices() {
      return (statements().devices.all() as DeviceRow[]).map(deviceOf);
    },

    async confidentItems(confidence) {
      return (statements().confidentItems.all(confidence, 1 - confidence) as ItemRow[]).map(itemOf);
    },

    async hardItems(limit) {
      return (statements().hardItems.all(limit) as (ItemRow & { shared: number })[]).map((row) => ({ ...itemOf(row), shared: row.shared === 1 }));
    },

    async adminDeviceStatuses() {
      const rows = statements().adminStatuses.all() as { id: string; admin_status: AdminDeviceStatus }[];
      return new Map(rows.map((row) => [row.id, row.admin_status]));
    },

    async setAdminDeviceStatus(deviceId, status) {
      return statements().setAdminStatus.run(status, status === 'banned' ? new Date().toISOString() : null, deviceId).changes === 1;
    },

    async bannedFrom(address, since) {
      return statements().bannedFrom.get(address, since.toISOString()) !== undefined;
    },

    async tagMerges() {
      const rows = statements().tagMerges.all() as { from_key: string; into_key: string }[];
      return new Map(rows.map((row) => [row.from_key, row.into_key]));
    },

    async mergeTag(from, into) {
      statements().mergeTag.run(from, into);
    },

    async tagDecisions() {
      const rows = statements().tagDecisions.all() as { tag_key: string; decision: TagDecision }[];
      return new Map(rows.map((row) => [row.tag_key, row.decision]));
    },

    async decideTag(tagKey, decision) {
      statements().decideTag.run(tagKey, decision, new Date().toISOString());
    },
  };
}

function prepare(db: Database.Database) {
  return {
    // The payload is parsed only for the types whose extra field consensus needs.
    eventsAfter: db.prepare(
      `SELECT rowid AS seq, id, device_id, type, photo_id, tag_key, verdict, at,
              CASE type WHEN 'tag-verdict' THEN json_extract(payload, '$.score') END AS score,
              CASE type WHEN 'photo-confirmed' THEN json_extract(payload, '$.tags') END AS tags,
              CASE type WHEN 'feedback-retracted' THEN json_extract(payload, '$.retracts') END AS retracts
       FROM events WHERE rowid > ? ORDER BY rowid LIMIT ?`,
    ),
    clearItems: db.prepare('DELETE FROM consensus_items'),
    clearDevices: db.prepare('DELETE FROM consensus_devices'),
    upsertItem: db.prepare(
      `INSERT INTO consensus_items (photo_id, tag_key, probability, votes, model_score, hard) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (photo_id, tag_key) DO UPDATE SET probability = excluded.probability, votes = excluded.votes,
         model_score = excluded.model_score, hard = excluded.hard`,
    ),
    insertDevice: db.prepare(
      `INSERT INTO consensus_devices (device_id, sensitivity, specificity, reliability, uncertainty, votes, quarantine_reason, quarantine_evidence)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    insertRun: db.prepare(
      'INSERT INTO consensus_runs (at, ms, votes, incremental, wanted_tags, feedback_per_day, alerts) VALUES (?, ?, ?, ?, ?, ?, ?)',
    ),
    latestRun: db.prepare('SELECT at, ms, votes, incremental, wanted_tags, feedback_per_day, alerts FROM consensus_runs ORDER BY id DESC LIMIT 1'),
    devices: db.prepare(DEVICES_SQL),
    confidentItems: db.prepare('SELECT * FROM consensus_items WHERE probability >= ? OR probability <= ?'),
    hardItems: db.prepare(
      `SELECT i.*, EXISTS (SELECT 1 FROM photos p WHERE p.id = i.photo_id) AS shared FROM consensus_items i
       WHERE i.hard = 1 ORDER BY abs(coalesce(i.model_score, 0.5) - i.probability) DESC, i.photo_id, i.tag_key LIMIT ?`,
    ),
    adminStatuses: db.prepare('SELECT id, admin_status FROM devices WHERE admin_status IS NOT NULL'),
    setAdminStatus: db.prepare('UPDATE devices SET admin_status = ?, banned_at = ? WHERE id = ?'),
    bannedFrom: db.prepare("SELECT 1 FROM devices WHERE registered_from = ? AND admin_status = 'banned' AND banned_at > ? LIMIT 1"),
    tagMerges: db.prepare('SELECT from_key, into_key FROM tag_merges'),
    mergeTag: db.prepare(
      'INSERT INTO tag_merges (from_key, into_key) VALUES (?, ?) ON CONFLICT (from_key) DO UPDATE SET into_key = excluded.into_key',
    ),
    tagDecisions: db.prepare('SELECT tag_key, decision FROM tag_decisions'),
    decideTag: db.prepare(
      `INSERT INTO tag_decisions (tag_key, decision, decided_at) VALUES (?, ?, ?)
       ON CONFLICT (tag_key) DO UPDATE SET decision = excluded.decision, decided_at = excluded.decided_at`,
    ),
  };
}
