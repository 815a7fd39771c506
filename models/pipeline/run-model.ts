import type { ModelSession, Tensor } from './backend.ts';
import { messageOf, RecognitionError } from './errors.ts';
import type { ModelEntry } from './manifest.ts';

/** Runs a bundle model on its one input, fetching the outputs the manifest names. */
export async function runModel(entry: ModelEntry, session: ModelSession, input: Tensor): Promise<Record<string, Tensor>> {
  try {
    return await session.run({ [entry.input]: input }, Object.values(entry.outputs));
  } catch (error) {
    const message = `The ${entry.kind} (${entry.file}) failed to run: ${messageOf(error)}`;
    throw new RecognitionError('inference-failed', message, { cause: error });
  }
}
