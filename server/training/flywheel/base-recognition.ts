import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Tag } from '../../../models/pipeline/types.ts';
import { loadRecognizer } from '../../inference/recognizer.ts';
import type { LabelledImage } from '../yolo-dataset.ts';

/** Lowest score kept: every photo gets a rank for every tag the base models might give it. */
export const RANKING_MIN_SCORE = 0.01;

/** One photo as the base models saw it; they never change between versions, so this is computed once. */
export interface BasePhoto {
  /** sha256 of the file, as the app names photos. */
  photoId: string;
  file: string;
  /** True classes (names.txt names). */
  classes: ReadonlySet<string>;
  /** Every tag scoring at least RANKING_MIN_SCORE, from the detector and the classifier. */
  tags: Tag[];
  embedding: Float32Array;
  /** The base models' scores as the phone sends them with the embedding. */
  baseScores: Record<string, number>;
  /** Every tag the base models output (a head column with one of these ids corrects it). */
  baseTagIds: ReadonlySet<string>;
}

/** Runs the built bundle's base models (onnxruntime-node) on every photo, one after another. */
export async function recognizeBase(images: readonly LabelledImage[], bundleDir: string, onPhoto?: (done: number, total: number) => void): Promise<{ photos: BasePhoto[]; version: string }> {
  const recognizer = await loadRecognizer(bundleDir);
  try {
    const photos: BasePhoto[] = [];
    const baseTagIds = new Set(recognizer.manifest.models.flatMap((model) => (model.kind === 'head' ? [] : model.classes)));
    for (const image of images) {
      const bytes = new Uint8Array(await readFile(image.path));
      const { tags, embedding, baseScores } = await recognizer.recognize(bytes, { minScore: RANKING_MIN_SCORE });
      if (!embedding) throw new Error(`The bundle in ${bundleDir} gives no embedding for ${image.file}: the head cannot run`);
      // The base models alone: each version's head corrects them and adds its own (./phone-model.ts).
      const baseTags = tags.filter((tag) => tag.source === 'detector' || tag.source === 'classifier');
      const photoId = createHash('sha256').update(bytes).digest('hex');
      photos.push({ photoId, file: image.file, classes: image.classes, tags: baseTags, embedding: embedding.slice(), baseScores, baseTagIds });
      onPhoto?.(photos.length, images.length);
    }
    return { photos, version: recognizer.manifest.version };
  } finally {
    await recognizer.release();
  }
}
