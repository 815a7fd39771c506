import type { Tag } from '../../models/pipeline/types.ts';
import type { CorrectedExample } from '../store/local-store.ts';

/*
 * Similarity is the plain cosine of the scene part of the detector's embedding (`sceneEmbedding`:
 * the 480-d average of its last backbone features). Measured on
 * shared/data/coco-dev (128 photos, 9,316 pairs of different photos) plus the 9 sample photos, with
 * 33 of them copied as a mirror image, a JPEG re-encode at quality 60, a half-size copy and an 8 % crop:
 *   mirror ≥ 0.990, re-encode ≥ 0.992, half size ≥ 0.981 (32 of 33 ≥ 0.985), crop ≥ 0.970 (31 of 33 ≥ 0.978);
 *   different photos: median 0.840, p99 0.954, p99.9 0.968, max 0.975 (two airplane scenes).
 * Centring by a mean embedding, per-vector centring (Pearson), sqrt or log1p of the features ranked no
 * better: at every false-match level they kept exactly the same share of copies, and centring would need a
 * population mean the device does not have. Two photos sharing a COCO class are barely closer than two
 * that do not (AUC 0.57), so this memory recognises the same scene again, not the same kind of thing.
 */

/** Width of the scene part: the detector's mean-pooled features, the first half of its 960-d embedding. */
export const SCENE_DIMS = 480;

/**
 * The scene part of an embedding: the mean-pooled half the thresholds below were measured on. The max
 * half (added for training the head) would change every similarity; embeddings kept by older versions
 * are the mean half alone, so both sizes give comparable vectors.
 */
export function sceneEmbedding(embedding: Float32Array): Float32Array {
  return embedding.subarray(0, SCENE_DIMS);
}

/** Above every pair of different photos measured: an unrelated photo gets no personal tags. */
export const SIMILAR = 0.977;
/** Mirrored and re-encoded copies pass; a "wrong" verdict hides the tag only on such a near-duplicate. */
export const NEAR_DUPLICATE = 0.985;

export interface PersonalSuggestion {
  /** Tags the nearest corrected photos confirm, source 'personal', best first. */
  tags: Tag[];
  /** tagKeys marked wrong on a near-duplicate. */
  suppressed: Set<string>;
}

export interface SuggestOptions {
  /** A photo not to learn from (the one being looked at, when it was itself corrected). */
  exclude?: string;
}

/**
 * The user's corrected photos as a nearest-neighbour index: one row of unit vectors per photo in a
 * Float32Array, so a query is one O(n·d) pass (5,000 photos × 480 dims) with no allocation per row.
 */
export class PersonalMemory {
  #dims = 0;
  #vectors = new Float32Array(0);
  #examples: CorrectedExample[] = [];
  #rows = new Map<string, number>();

  constructor(examples: Iterable<CorrectedExample> = []) {
    for (const example of examples) this.upsert(example);
  }

  get size(): number {
    return this.#examples.length;
  }

  /**
   * Adds or replaces a photo's example; one without labels is removed (its feedback was undone).
   * Returns false when the example cannot be compared: a zero embedding, or one from a model whose
   * embedding has another size than the ones already kept.
   */
  upsert(example: CorrectedExample): boolean {
    const unit = toUnit(sceneEmbedding(example.embedding));
    if (!unit || example.labels.length === 0 || (this.#dims !== 0 && unit.length !== this.#dims)) {
      this.remove(example.photoId);
      return false;
    }
    this.#dims = unit.length;
    let row = this.#rows.get(example.photoId);
    if (row === undefined) {
      row = this.#examples.length;
      this.#grow(row + 1);
      this.#rows.set(example.photoId, row);
    }
    this.#examples[row] = example;
    this.#vectors.set(unit, row * this.#dims);
    return true;
  }

  /** Forgets a photo (deleted, or no longer corrected); the last row moves into its place. */
  remove(photoId: string): void {
    const row = this.#rows.get(photoId);
    if (row === undefined) return;
    const last = this.#examples.length - 1;
    if (row !== last) {
      const moved = this.#examples[last]!;
      this.#examples[row] = moved;
      this.#rows.set(moved.photoId, row);
      this.#vectors.copyWithin(row * this.#dims, last * this.#dims, (last + 1) * this.#dims);
    }
    this.#examples.pop();
    this.#rows.delete(photoId);
    if (this.#examples.length === 0) this.#dims = 0;
  }

  /**
   * For each tag, the most similar corrected photo that judged it decides: "correct" suggests it with a
   * confidence that grows with the similarity, "wrong" on a near-duplicate suppresses it, and either way
   * photos further away are not asked about that tag again.
   */
  suggest(embedding: Float32Array, { exclude }: SuggestOptions = {}): PersonalSuggestion {
    const suggestion: PersonalSuggestion = { tags: [], suppressed: new Set() };
    const query = toUnit(sceneEmbedding(embedding));
    if (!query || query.length !== this.#dims) return suggestion;
    const decided = new Set<string>();
    for (const { row, similarity } of this.#neighbours(query)) {
      const example = this.#examples[row]!;
      if (example.photoId === exclude) continue;
      for (const { key, en, zh, verdict } of example.labels) {
        if (decided.has(key)) continue;
        decided.add(key);
        if (verdict === 'correct') {
          suggestion.tags.push({ id: key, en, zh, score: confidence(similarity), source: 'personal', shown: true });
        } else if (similarity >= NEAR_DUPLICATE) {
          suggestion.suppressed.add(key);
        }
      }
    }
    return suggestion;
  }

  /** Rows at least SIMILAR to the unit query, most similar first. */
  #neighbours(query: Float32Array): { row: number; similarity: number }[] {
    const dims = this.#dims;
    const vectors = this.#vectors;
    const found: { row: number; similarity: number }[] = [];
    for (let row = 0, offset = 0; row < this.#examples.length; row++, offset += dims) {
      let dot = 0;
      for (let i = 0; i < dims; i++) dot += query[i]! * vectors[offset + i]!;
      if (dot >= SIMILAR) found.push({ row, similarity: dot });
    }
    return found.sort((a, b) => b.similarity - a.similarity);
  }

  #grow(rows: number): void {
    if (rows * this.#dims <= this.#vectors.length) return;
    const grown = new Float32Array(Math.max(rows, this.#examples.length * 2, 64) * this.#dims);
    grown.set(this.#vectors);
    this.#vectors = grown;
  }
}

/**
 * Merges the device's memory into a model's tag list: a suppressed tag is hidden, a tag a model already
 * shows stays the model's, a listed-but-hidden one is shown as personal (keeping its boxes), a new one is
 * added. Shown tags come first, each group by score.
 */
export function applyPersonal(modelTags: readonly Tag[], { tags, suppressed }: PersonalSuggestion): Tag[] {
  const merged = new Map(modelTags.map((tag) => [tag.id, suppressed.has(tag.id) ? { ...tag, shown: false } : tag]));
  for (const personal of tags) {
    const listed = merged.get(personal.id);
    if (listed?.shown) continue;
    merged.set(personal.id, listed ? { ...listed, score: personal.score, source: 'personal', shown: true } : personal);
  }
  return [...merged.values()].sort(
    (a, b) => Number(b.shown) - Number(a.shown) || b.score - a.score || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
}

/** 0.5 at the SIMILAR threshold up to 1 for an identical embedding. */
function confidence(similarity: number): number {
  return Math.min(1, 0.5 + (0.5 * (similarity - SIMILAR)) / (1 - SIMILAR));
}

function toUnit(embedding: Float32Array): Float32Array | null {
  let sum = 0;
  for (const x of embedding) sum += x * x;
  if (!(sum > 0) || !Number.isFinite(sum)) return null;
  const scale = 1 / Math.sqrt(sum);
  return embedding.map((x) => x * scale);
}
