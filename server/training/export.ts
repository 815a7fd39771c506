import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { VocabularyTag } from '../../models/pipeline/manifest.ts';
import type { PhotoFiles } from '../storage/photo-files.ts';
import type { ConsensusItem, Repository } from '../storage/repository.ts';
import { CONFIDENCE, EVERY_ITEM, HARD_WEIGHT, labelWeight, WEAK_NEGATIVE_WEIGHT } from './dataset.ts';
import { splitOf } from './split.ts';

/**
 * `wanwu export`: the data training reads, as files anyone can train on elsewhere. Every photo with
 * a confident label, its split, its embedding and its labels (dataset.jsonl); tag names (tags.json);
 * and for photos that were shared, the photos themselves with a COCO-style index (coco.json).
 */

export interface ExportOptions {
  repository: Repository;
  photos: PhotoFiles;
  /** The current bundle's vocabulary: names for the tags it knows. */
  vocabulary: readonly VocabularyTag[];
  out: string;
}

export interface ExportSummary {
  photos: number;
  withEmbedding: number;
  sharedPhotos: number;
  tags: number;
}

interface ExportedLabel {
  tag: string;
  probability: number;
  weight: number;
  hard: boolean;
}

export async function exportTrainingData({ repository, photos, vocabulary, out }: ExportOptions): Promise<ExportSummary> {
  const [items, embeddings] = await Promise.all([repository.confidentItems(EVERY_ITEM), repository.photoEmbeddings()]);
  const embeddingOf = new Map(embeddings.map((e) => [e.photoId, e.embedding]));
  const byPhoto = new Map<string, ConsensusItem[]>();
  for (const item of items) if (labelWeight(item.probability) > 0) byPhoto.set(item.photoId, [...(byPhoto.get(item.photoId) ?? []), item]);
  const photoIds = [...byPhoto.keys()].sort();
  const tags = [...new Set(items.map((item) => item.tagKey))].sort();

  await mkdir(join(out, 'images'), { recursive: true });
  const lines = photoIds.map((photoId) => {
    const embedding = embeddingOf.get(photoId);
    return JSON.stringify({
      photoId,
      split: splitOf(photoId),
      embedding: embedding ? Array.from(embedding) : null,
      dims: embedding?.length ?? null,
      labels: byPhoto.get(photoId)!.map(labelOf),
    });
  });
  await writeFile(join(out, 'dataset.jsonl'), lines.length > 0 ? `${lines.join('\n')}\n` : '');
  await writeFile(join(out, 'tags.json'), `${JSON.stringify(tagNames(tags, vocabulary), null, 2)}\n`);

  const shared: string[] = [];
  for (const photoId of photoIds) {
    const bytes = await photos.read(photoId);
    if (!bytes) continue;
    await writeFile(join(out, 'images', `${photoId}.jpg`), bytes);
    shared.push(photoId);
  }
  await writeFile(join(out, 'coco.json'), `${JSON.stringify(coco(shared, byPhoto, tags, vocabulary))}\n`);
  await writeFile(join(out, 'README.txt'), README);
  return { photos: photoIds.length, withEmbedding: photoIds.filter((id) => embeddingOf.has(id)).length, sharedPhotos: shared.length, tags: tags.length };
}

const labelOf = (item: ConsensusItem): ExportedLabel => ({
  tag: item.tagKey,
  probability: item.probability,
  weight: labelWeight(item.probability) * (item.hard ? HARD_WEIGHT : 1),
  hard: item.hard,
});

/** Vocabulary tags with their names; a free-text tag's name is its text (the language it was typed in is unknown). */
function tagNames(tags: readonly string[], vocabulary: readonly VocabularyTag[]) {
  const known = new Map(vocabulary.map((tag) => [tag.id, tag]));
  return tags.map((key) => {
    const tag = known.get(key);
    return { key, zh: tag?.zh ?? null, en: tag?.en ?? null, text: key.startsWith('text:') ? key.slice('text:'.length) : null };
  });
}

/**
 * COCO-style, image-level: consensus says what is in a photo, not where, so each confident
 * positive is an annotation with `"bbox": null` (and no area or segmentation); negatives are left
 * out, as COCO has no way to say "not there" (dataset.jsonl has them).
 */
function coco(shared: readonly string[], byPhoto: Map<string, ConsensusItem[]>, tags: readonly string[], vocabulary: readonly VocabularyTag[]) {
  const categoryId = new Map(tags.map((tag, i) => [tag, i + 1]));
  const images = shared.map((photoId, i) => ({ id: i + 1, file_name: `images/${photoId}.jpg`, photo_id: photoId, split: splitOf(photoId) }));
  const annotations = shared.flatMap((photoId, i) =>
    byPhoto
      .get(photoId)!
      .filter((item) => item.probability >= CONFIDENCE)
      .map((item) => ({ image_id: i + 1, category_id: categoryId.get(item.tagKey)!, bbox: null, probability: item.probability })),
  ).map((annotation, i) => ({ id: i + 1, ...annotation }));
  const categories = tagNames(tags, vocabulary).map((tag) => ({ id: categoryId.get(tag.key)!, name: tag.key, zh: tag.zh, en: tag.en }));
  return { info: { description: 'Wanwu consensus labels (image-level)' }, images, annotations, categories };
}

const README = `Wanwu training data, exported by \`wanwu export\`.

dataset.jsonl  One line per photo with at least one consensus label:
               photoId, split ("train" or "heldOut", fixed by a hash of the id; the server's
               gate measures models on heldOut photos), embedding (numbers, or null when no
               device sent one), dims, and labels [{tag, probability, weight, hard}].
               A label is a consensus item: probability is the consensus that the tag is
               present (the training target); weight is how sure consensus is, |2p - 1|,
               doubled (x${HARD_WEIGHT}) for a hard example (the model was confidently wrong).
               Training also treats every other tag on a photo with a positive (p > 0.5) as
               a weak negative (target 0, weight ${WEAK_NEGATIVE_WEIGHT}); those are not listed.
tags.json      Every tag key in the labels, with its Chinese and English names when the
               current model knows them; free-text tags ("text:...") carry their text.
coco.json      COCO-style index of the photos devices shared (copies under images/):
               images, categories, and image-level annotations (confident positives only)
               with "bbox": null, since consensus says what is in a photo, not where.
images/        The shared photos, named by their id.
`;
