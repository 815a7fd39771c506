import { encodeHead, HEAD_INPUT, HEAD_OUTPUT } from '../../../models/head/encode-head.ts';
import type { HeadEntry, Manifest } from '../../../models/pipeline/manifest.ts';
import type { ConsensusItem } from '../../storage/repository.ts';
import { AUTOMATIC_REVIEW } from '../tag-review.ts';
import { headVocabulary } from '../taught-names.ts';
import { train } from '../train.ts';
import type { BasePhoto } from './base-recognition.ts';
import type { SimClass } from './label-space.ts';
import { loadPhoneModel, type PhoneModel } from './phone-model.ts';

/** As many votes as a photo gets in the simulation: true labels stand in for a unanimous crowd. */
const TRUE_LABEL_VOTES = 3;

/**
 * The best the loop could do with these features and this head recipe: the same training (../train.ts)
 * on the true labels of every training photo, every hidden class labelled in every photo. Null
 * when training finds nothing to judge (no held-out positive in its own split).
 */
export async function upperBoundModel(photos: readonly BasePhoto[], hidden: readonly SimClass[], base: Manifest, dropped: ReadonlySet<string>): Promise<PhoneModel | null> {
  const items: ConsensusItem[] = photos.flatMap((photo) =>
    hidden.map((c) => {
      const present = photo.classes.has(c.name);
      return { photoId: photo.photoId, tagKey: c.taughtKey, probability: present ? 1 : 0, votes: TRUE_LABEL_VOTES, hard: false, modelScore: null };
    }),
  );
  const outcome = await train({
    items,
    embeddings: photos.map(({ photoId, embedding }) => ({ photoId, embedding })),
    dims: photos[0].embedding.length,
    baseTags: new Set(base.models.flatMap((model) => (model.kind === 'head' ? [] : model.classes))),
    current: null,
    excludedDevices: 0,
    support: null,
    review: AUTOMATIC_REVIEW,
  });
  if (!outcome.head) return null;
  const entry: HeadEntry = {
    kind: 'head', file: 'head.onnx', input: HEAD_INPUT, inputDims: outcome.head.dims, outputs: { scores: HEAD_OUTPUT }, classes: outcome.head.tags,
  };
  return loadPhoneModel({
    version: 'upper-bound',
    tags: headVocabulary(outcome.head.tags, outcome.thresholds, base.tags),
    head: { entry, bytes: encodeHead(outcome.head) },
    dropped,
  });
}
