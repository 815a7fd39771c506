import type { ModelSession } from './backend.ts';
import { RecognitionError } from './errors.ts';
import type { HeadEntry } from './manifest.ts';
import { runModel } from './run-model.ts';
import type { ScoredTag } from './tags.ts';

/**
 * The tags a trained head scores on a photo's embedding (source 'head'), those at least `minScore`.
 * Recognition runs it after the detector; the flywheel simulation and the server score stored
 * embeddings with it directly, exactly as phones do.
 */
export async function headTags(
  entry: HeadEntry,
  session: ModelSession,
  embedding: Float32Array,
  minScore: number,
): Promise<ScoredTag[]> {
  if (embedding.length !== entry.inputDims) {
    const why = `it reads ${entry.inputDims}-d embeddings, the detector gave ${embedding.length}-d`;
    throw new RecognitionError('model-unavailable', `The head (${entry.file}) does not fit this bundle: ${why}`);
  }
  const outputs = await runModel(entry, session, { data: embedding, dims: [1, entry.inputDims] });
  const scores = outputs[entry.outputs.scores].data;
  const tags: ScoredTag[] = [];
  entry.classes.forEach((id, i) => {
    if (scores[i] >= minScore) tags.push({ id, score: scores[i], source: 'head', boxes: [] });
  });
  return tags;
}
