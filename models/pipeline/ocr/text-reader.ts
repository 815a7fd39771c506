import type { InferenceBackend, ModelSession } from '../backend.ts';
import { RecognitionError } from '../errors.ts';
import { orientedSize } from '../exif.ts';
import { readImageInfo, type ImageDecoder } from '../image.ts';
import type { OcrEntry } from '../manifest.ts';
import { ctcClasses } from './ctc.ts';
import { readText, type ReadTextOptions, type TextLine } from './read-text.ts';

export interface TextReaderOptions {
  backend: InferenceBackend;
  entry: OcrEntry;
  /** OCR file path → its bytes, already verified against `entry.files`. */
  files: Readonly<Record<string, Uint8Array>>;
  decode: ImageDecoder;
  now?: () => number;
}

export interface TextReading {
  lines: TextLine[];
  /** Milliseconds from bytes to lines. */
  ms: number;
}

export interface TextReader {
  read(bytes: Uint8Array, options?: ReadTextOptions): Promise<TextReading>;
  release(): Promise<void>;
}

/** Loads the OCR models into sessions of `backend`; readings queue up, one at a time per session. */
export async function createTextReader(options: TextReaderOptions): Promise<TextReader> {
  const { backend, entry, files, decode, now = () => performance.now() } = options;
  const dictionary = new TextDecoder().decode(fileOf(files, entry.recognizer.dictionary));
  const created: ModelSession[] = [];
  const load = async (file: string) => {
    try {
      const session = await backend.createSession(fileOf(files, file));
      created.push(session);
      return session;
    } catch (error) {
      await Promise.all(created.map((session) => session.release()));
      if (error instanceof RecognitionError) throw error;
      throw new RecognitionError('model-unavailable', `OCR model ${file} could not be loaded: ${messageOf(error)}`, { cause: error });
    }
  };
  const sessions = {
    detector: await load(entry.detector.file),
    recognizer: await load(entry.recognizer.file),
    direction: await load(entry.direction.file),
    classes: ctcClasses(dictionary),
  };
  let queue: Promise<unknown> = Promise.resolve();

  async function readNow(bytes: Uint8Array, readOptions?: ReadTextOptions): Promise<TextReading> {
    const started = now();
    const info = readImageInfo(bytes);
    const image = await decode(bytes, info).catch((error: unknown) => {
      if (error instanceof RecognitionError) throw error;
      throw new RecognitionError('corrupt-image', `This ${info.format.toUpperCase()} file could not be decoded: ${messageOf(error)}`, { cause: error });
    });
    const photo = { image, orientation: info.orientation, ...orientedSize(info.width, info.height, info.orientation) };
    try {
      const lines = await readText(photo, sessions, entry, readOptions);
      return { lines, ms: now() - started };
    } catch (error) {
      throw new RecognitionError('inference-failed', `Reading text failed: ${messageOf(error)}`, { cause: error });
    }
  }

  return {
    read(bytes, readOptions) {
      const result = queue.then(() => readNow(bytes, readOptions));
      queue = result.catch(() => undefined);
      return result;
    },
    async release() {
      await queue;
      await Promise.all(created.map((session) => session.release()));
    },
  };
}

function fileOf(files: Readonly<Record<string, Uint8Array>>, path: string): Uint8Array {
  const bytes = files[path];
  if (!bytes) throw new RecognitionError('model-unavailable', `OCR file ${path} is missing`);
  return bytes;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
