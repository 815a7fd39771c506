import type { ModelSession } from './backend.ts';
import { RecognitionError } from './errors.ts';
import type { HeadEntry } from './manifest.ts';
import { runModel } from './run-model.ts';
import { logit } from './corrections.ts';
import type { ScoredTag } from './tags.ts';

/** What a trained head says about one photo: its own tags, and the corrections of base tags (./corrections.ts). */
export interface HeadResult {
  /** Tags the base models lack, scoring at least `minScore` (source 'head'). */
  learned: ScoredTag[];
  /** Per base tag the head corrects, its log-odds on this photo. */
  shifts: Map<string, number>;
}

/**
 * Runs a trained head on a photo's embedding. Recognition runs it after the detector; the flywheel
 * simulation and the server score stored embeddings with it directly, exactly as phones do.
 * `baseTags`: the base models' tag ids, which a head column corrects rather than adds.
 */
export async function runHead(
  entry: HeadEntry,
  session: ModelSession,
  embedding: Float32Array,
  baseTags: ReadonlySet<string>,
  minScore: number,
): Promise<HeadResult> {
  if (embedding.length !== entry.inputDims) {
    const why = `it reads ${entry.inputDims}-d embeddings, the detector gave ${embedding.length}-d`;
    throw new RecognitionError('model-unavailable', `The head (${entry.file}) does not fit this bundle: ${why}`);
  }
  const outputs = await runModel(entry, session, { data: embedding, dims: [1, entry.inputDims] });
  const scores = outputs[entry.outputs.scores].data;
  const result: HeadResult = { learned: [], shifts: new Map() };
  entry.classes.forEach((id, i) => {
    if (baseTags.has(id)) result.shifts.set(id, logit(scores[i]));
    else if (scores[i] >= minScore) result.learned.push({ id, score: scores[i], source: 'head', boxes: [] });
  });
  return result;
}
