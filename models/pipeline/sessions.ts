import type { InferenceBackend, ModelSession } from './backend.ts';
import { messageOf, RecognitionError } from './errors.ts';

/**
 * Sessions made one after another from bundle files (the recognizer's, the text reader's). When
 * one cannot be made, those made before are released and the failure is `model-unavailable`.
 */
export function sessionLoader(backend: InferenceBackend, files: Readonly<Record<string, Uint8Array>>) {
  const sessions: ModelSession[] = [];
  const release = async () => {
    await Promise.all(sessions.map((session) => session.release()));
  };
  return {
    async load(file: string): Promise<ModelSession> {
      try {
        sessions.push(await createSession(backend, files, file));
        return sessions[sessions.length - 1];
      } catch (error) {
        await release();
        throw error;
      }
    },
    release,
  };
}

async function createSession(backend: InferenceBackend, files: Readonly<Record<string, Uint8Array>>, file: string): Promise<ModelSession> {
  const bytes = files[file];
  if (!bytes) throw new RecognitionError('model-unavailable', `Model file ${file} is missing`);
  try {
    return await backend.createSession(bytes);
  } catch (error) {
    throw new RecognitionError('model-unavailable', `Model file ${file} could not be loaded: ${messageOf(error)}`, { cause: error });
  }
}

/** Work run one call at a time, in call order: onnxruntime-web refuses to run a session that is running. */
export function oneAtATime() {
  let queue: Promise<unknown> = Promise.resolve();
  return {
    run<T>(work: () => Promise<T>): Promise<T> {
      const result = queue.then(work);
      queue = result.catch(() => undefined);
      return result;
    },
    /** Settles once everything queued so far has run. */
    async idle(): Promise<void> {
      await queue;
    },
  };
}
