import type { InferenceBackend } from '../backend.ts';
import { messageOf, RecognitionError } from '../errors.ts';
import { orientedSize } from '../exif.ts';
import { decodePixels, readImageInfo, type ImageDecoder } from '../image.ts';
import type { OcrEntry } from '../manifest.ts';
import { oneAtATime, sessionLoader } from '../sessions.ts';
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

/** Loads the OCR models into sessions of `backend`; readings queue up, one at a time. */
export async function createTextReader(options: TextReaderOptions): Promise<TextReader> {
  const { backend, entry, files, decode, now = () => performance.now() } = options;
  const dictionary = files[entry.recognizer.dictionary];
  if (!dictionary) throw new RecognitionError('model-unavailable', `OCR file ${entry.recognizer.dictionary} is missing`);
  const loader = sessionLoader(backend, files);
  const sessions = {
    detector: await loader.load(entry.detector.file),
    recognizer: await loader.load(entry.recognizer.file),
    direction: await loader.load(entry.direction.file),
    classes: ctcClasses(new TextDecoder().decode(dictionary)),
  };
  const queue = oneAtATime();

  async function readNow(bytes: Uint8Array, readOptions?: ReadTextOptions): Promise<TextReading> {
    const started = now();
    const info = readImageInfo(bytes);
    const photo = { image: await decodePixels(decode, bytes, info), orientation: info.orientation, ...orientedSize(info.width, info.height, info.orientation) };
    try {
      const lines = await readText(photo, sessions, entry, readOptions);
      return { lines, ms: now() - started };
    } catch (error) {
      throw new RecognitionError('inference-failed', `Reading text failed: ${messageOf(error)}`, { cause: error });
    }
  }

  return {
    read: (bytes, readOptions) => queue.run(() => readNow(bytes, readOptions)),
    async release() {
      await queue.idle();
      await loader.release();
    },
  };
}
