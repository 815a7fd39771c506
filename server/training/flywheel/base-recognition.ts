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
}

/** Runs the built bundle's base models (onnxruntime-node) on every photo, one after another. */
export async function recognizeBase(images: readonly LabelledImage[], bundleDir: string, onPhoto?: (done: number, total: number) => void): Promise<{ photos: BasePhoto[]; version: string }> {
  const recognizer = await loadRecognizer(bundleDir);
  try {
    const photos: BasePhoto[] = [];
    for (const image of images) {
      const bytes = new Uint8Array(await readFile(image.path));
      const { tags, embedding } = await recognizer.recognize(bytes, { minScore: RANKING_MIN_SCORE });
      if (!embedding) throw new Error(`The bundle in ${bundleDir} gives no embedding for ${image.file}: the head cannot run`);
      // Only what people see and what the head reads: heads never change the base tags (plan decision 1).
      const baseTags = tags.filter((tag) => tag.source === 'detector' || tag.source === 'classifier');
      const photoId = createHash('sha256').update(bytes).digest('hex');
      photos.push({ photoId, file: image.file, classes: image.classes, tags: baseTags, embedding: embedding.slice() });
      onPhoto?.(photos.length, images.length);
    }
    return { photos, version: recognizer.manifest.version };
  } finally {
    await recognizer.release();
  }
}
