import { encodeHead, HEAD_INPUT, HEAD_OUTPUT } from '../../../models/head/encode-head.ts';
import type { HeadEntry, Manifest } from '../../../models/pipeline/manifest.ts';
import type { ConsensusItem } from '../../storage/repository.ts';
import { AUTOMATIC_REVIEW } from '../tag-review.ts';
import { headVocabulary } from '../taught-names.ts';
import { train } from '../train.ts';
import type { BasePhoto } from './base-recognition.ts';
import type { SimClass } from './label-space.ts';
import type { PhoneModel } from './phone-model.ts';
import type { PhoneModels } from './sim-device.ts';

/** As many votes as a photo gets in the simulation: true labels stand in for a unanimous crowd. */
const TRUE_LABEL_VOTES = 3;

/**
 * The best the loop could do with these features and this head recipe: the same training (../train.ts)
 * on the true labels of every training photo, every labelled class in every photo (a hidden class
 * by the name people teach, a visible one as a correction of its base tag), published whatever the
 * gate says. Null when training finds nothing to judge (no held-out positive in its own split).
 */
export async function upperBoundModel(photos: readonly BasePhoto[], classes: readonly SimClass[], base: Manifest, models: PhoneModels): Promise<PhoneModel | null> {
  const items: ConsensusItem[] = photos.flatMap((photo) =>
    classes.map((c) => {
      const present = photo.classes.has(c.name);
      return { photoId: photo.photoId, tagKey: c.hidden ? c.taughtKey : c.baseId, probability: present ? 1 : 0, votes: TRUE_LABEL_VOTES, hard: false, modelScore: null };
    }),
  );
  const baseTags = new Set(base.models.flatMap((model) => (model.kind === 'head' ? [] : model.classes)));
  const outcome = await train({
    items,
    embeddings: photos.map((photo) => ({ photoId: photo.photoId, embedding: photo.embedding, baseScores: models.baseScores(photo) })),
    dims: photos[0].embedding.length,
    baseTags,
    baseThresholds: new Map(base.tags.filter((tag) => baseTags.has(tag.id)).map((tag) => [tag.id, tag.threshold])),
    current: null,
    excludedDevices: 0,
    support: null,
    review: AUTOMATIC_REVIEW,
    // What this training can reach, gate or no gate: a correction the gate would refuse still counts.
    options: { gate: { minGain: -Infinity, maxTagDrop: Infinity } },
  });
  if (!outcome.head) return null;
  const entry: HeadEntry = {
    kind: 'head', file: 'head.onnx', input: HEAD_INPUT, inputDims: outcome.head.dims, outputs: { scores: HEAD_OUTPUT }, classes: outcome.head.tags,
  };
  // True labels stand in for everyone: the correction's people are not counted.
  const headTags = headVocabulary(outcome.head.tags, outcome.thresholds, base.tags, new Map());
  const inHead = new Set(outcome.head.tags);
  return models.load({ version: 'upper-bound', tags: [...base.tags.filter((tag) => !inHead.has(tag.id)), ...headTags], head: { entry, bytes: encodeHead(outcome.head) } });
}
