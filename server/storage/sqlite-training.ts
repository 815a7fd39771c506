import type Database from 'better-sqlite3';
import type { TrainingRun } from '../contract/training.ts';
import type { PhotoEmbedding, TrainingStore } from './repository.ts';
import { baseScoresOf, decodeEmbedding, modelVersionOf, type ModelVersionRow } from './training-rows.ts';

/** The training side of the SQLite repository (step 3, ./training-migration.ts). */
export function sqliteTrainingStore(db: Database.Database): TrainingStore {
  let prepared: ReturnType<typeof prepare> | null = null;
  const statements = () => (prepared ??= prepare(db));

  return {
    async photoEmbeddings() {
      const embeddings: PhotoEmbedding[] = [];
      // Streamed row by row: only one base64 string is held at a time.
      for (const [photoId, base64, baseScores] of statements().photoEmbeddings.raw().iterate() as Iterable<[string, string, string | null]>) {
        embeddings.push({ photoId, embedding: decodeEmbedding(base64), baseScores: baseScoresOf(baseScores) });
      }
      return embeddings;
    },

    async saveTrainingRun(run) {
      statements().saveRun.run(run.id, new Date(run.startedAt).toISOString(), JSON.stringify(run));
    },

    async trainingRuns(limit) {
      return (statements().runs.all(limit) as string[]).map((json) => JSON.parse(json) as TrainingRun);
    },

    async saveModelVersion(version) {
      statements().insertVersion.run(version.version, version.manifest, version.createdAt.toISOString(), version.runId, version.previous);
    },

    async modelVersions() {
      return (statements().versions.all() as ModelVersionRow[]).map(modelVersionOf);
    },

    async currentModelVersion() {
      return (statements().current.get() as string | null | undefined) ?? null;
    },

    async setCurrentModelVersion(version) {
      statements().setCurrent.run(version);
    },
  };
}

function prepare(db: Database.Database) {
  return {
    // The newest event per photo is picked by rowid first; only the winners' payloads are read
    // again for their embedding, which kept the sort free of ~5 kB payloads (3× faster).
    photoEmbeddings: db.prepare(
      `SELECT w.photo_id, json_extract(e.payload, '$.embedding'), json_extract(e.payload, '$.baseScores')
       FROM (SELECT photo_id, rowid AS event, row_number() OVER (PARTITION BY photo_id ORDER BY at DESC, id DESC) AS n
             FROM events
             WHERE json_extract(payload, '$.dims') IS NOT NULL
               AND device_id NOT IN (SELECT id FROM devices WHERE admin_status = 'banned')) w
       JOIN events e ON e.rowid = w.event
       WHERE w.n = 1
       ORDER BY w.photo_id`,
    ),
    saveRun: db.prepare(
      `INSERT INTO training_runs (id, started_at, run) VALUES (?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET started_at = excluded.started_at, run = excluded.run`,
    ),
    runs: db.prepare('SELECT run FROM training_runs ORDER BY started_at DESC, id DESC LIMIT ?').pluck(),
    insertVersion: db.prepare('INSERT INTO model_versions (version, manifest, created_at, run_id, previous) VALUES (?, ?, ?, ?, ?)'),
    versions: db.prepare('SELECT version, manifest, created_at, run_id, previous FROM model_versions ORDER BY created_at, version'),
    current: db.prepare('SELECT version FROM model_current').pluck(),
    setCurrent: db.prepare(
      'INSERT INTO model_current (id, version) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET version = excluded.version',
    ),
  };
}
