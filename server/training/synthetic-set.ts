import { seededRandom } from '../seeded-random.ts';
import { splitOf } from './split.ts';
import type { TrainingSet } from './types.ts';

/**
 * A fully labelled training set of Gaussian clusters, for tests and `npm run bench -- train`: each
 * tag has a random centre, each photo shows 1–3 tags and its embedding is the sum of their centres
 * plus unit noise, so the tags are separable, but not trivially so at small `separation`.
 */
export interface SyntheticOptions {
  samples: number;
  dims: number;
  tags: number;
  seed?: number;
  /** Length of each tag's centre, in noise standard deviations. */
  separation?: number;
}

export function syntheticSet({ samples, dims, tags, seed = 1, separation = 3 }: SyntheticOptions): TrainingSet {
  const random = seededRandom(seed);
  const normal = random.normal;
  const centres = new Float32Array(tags * dims).map(() => (normal() * separation) / Math.sqrt(dims));
  const x = new Float32Array(samples * dims).map(() => normal());
  const target = new Float32Array(samples * tags);
  for (let row = 0; row < samples; row++) {
    const shown = 1 + random.below(3);
    for (let k = 0; k < shown; k++) {
      const t = random.below(tags);
      if (target[row * tags + t] === 1) continue;
      target[row * tags + t] = 1;
      for (let d = 0; d < dims; d++) x[row * dims + d] += centres[t * dims + d];
    }
  }
  const photoIds = Array.from({ length: samples }, (_, row) => `synthetic-${seed}-${row}`);
  return {
    dims,
    tags: Array.from({ length: tags }, (_, t) => `text:tag${t}`),
    corrects: new Array<boolean>(tags).fill(false),
    photoIds,
    split: photoIds.map(splitOf),
    x,
    target,
    weight: new Float32Array(samples * tags).fill(1),
    offset: new Float32Array(samples * tags),
  };
}
