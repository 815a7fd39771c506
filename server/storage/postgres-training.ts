import type pg from 'pg';
import type { TrainingRun } from '../contract/training.ts';
import type { PhotoEmbedding, TrainingStore } from './repository.ts';
import { baseScoresOf, decodeEmbedding, modelVersionOf, type ModelVersionRow } from './training-rows.ts';

/** Photos whose embeddings one statement reads: the base64 strings of one chunk are all that is held at once. */
const EMBEDDING_CHUNK = 2000;

/** The training side of the PostgreSQL repository (step 3, ./training-migration.ts). */
export function postgresTrainingStore(pool: pg.Pool): TrainingStore {
  return {
    async photoEmbeddings() {
      // First the newest event with an embedding per photo (ids only), then their embeddings in chunks.
      const { rows: newest } = await pool.query<{ photo_id: string; id: string }>(
        `SELECT DISTINCT ON (photo_id) photo_id, id FROM events
         WHERE payload ? 'embedding'
           AND device_id NOT IN (SELECT id FROM devices WHERE admin_status = 'banned')
         ORDER BY photo_id, at DESC, id DESC`,
      );
      const embeddings: PhotoEmbedding[] = [];
      for (let start = 0; start < newest.length; start += EMBEDDING_CHUNK) {
        const chunk = newest.slice(start, start + EMBEDDING_CHUNK);
        const { rows } = await pool.query<{ id: string; embedding: string; base_scores: Record<string, number> | null }>({
          name: 'event-embeddings',
          text: "SELECT id, payload->>'embedding' AS embedding, payload->'baseScores' AS base_scores FROM events WHERE id = ANY($1::text[])",
          values: [chunk.map((row) => row.id)],
        });
        const byId = new Map(rows.map((row) => [row.id, row]));
        for (const { photo_id: photoId, id } of chunk) {
          const row = byId.get(id)!;
          embeddings.push({ photoId, embedding: decodeEmbedding(row.embedding), baseScores: baseScoresOf(row.base_scores) });
        }
      }
      return embeddings;
    },

    async saveTrainingRun(run) {
      await pool.query(
        `INSERT INTO training_runs (id, started_at, run) VALUES ($1, $2, $3)
         ON CONFLICT (id) DO UPDATE SET started_at = excluded.started_at, run = excluded.run`,
        [run.id, run.startedAt, JSON.stringify(run)],
      );
    },

    async trainingRuns(limit) {
      const { rows } = await pool.query<{ run: TrainingRun }>('SELECT run FROM training_runs ORDER BY started_at DESC, id DESC LIMIT $1', [limit]);
      return rows.map((row) => row.run);
    },

    async saveModelVersion(version) {
      await pool.query('INSERT INTO model_versions (version, manifest, created_at, run_id, previous) VALUES ($1, $2, $3, $4, $5)', [
        version.version, version.manifest, version.createdAt, version.runId, version.previous,
      ]);
    },

    async modelVersions() {
      const { rows } = await pool.query<ModelVersionRow>('SELECT version, manifest, created_at, run_id, previous FROM model_versions ORDER BY created_at, version');
      return rows.map(modelVersionOf);
    },

    async currentModelVersion() {
      const { rows } = await pool.query<{ version: string | null }>({ name: 'current-model-version', text: 'SELECT version FROM model_current' });
      return rows[0]?.version ?? null;
    },

    async setCurrentModelVersion(version) {
      await pool.query(
        'INSERT INTO model_current (id, version) VALUES (1, $1) ON CONFLICT (id) DO UPDATE SET version = excluded.version',
        [version],
      );
    },
  };
}
