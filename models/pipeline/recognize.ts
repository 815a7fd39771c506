import type { ExecutionProvider, InferenceBackend, ModelSession, Tensor } from './backend.ts';
import { softmax, topK } from './classifier.ts';
import { decodeDetections, nmsPerClass } from './detector.ts';
import { RecognitionError } from './errors.ts';
import { orientedSize } from './exif.ts';
import { headTags } from './head.ts';
import { imageToTensor, inputFrame, readImageInfo, type DecodedImage, type ImageDecoder, type ImageInfo } from './image.ts';
import type { ClassifierEntry, DetectorEntry, HeadEntry, Manifest, ModelEntry } from './manifest.ts';
import { messageOf, runModel } from './run-model.ts';
import { mapBox, mergeTags, tagsFromClassifier, tagsFromDetections, vocabularyOf, type ScoredTag } from './tags.ts';
import type { Recognition } from './types.ts';

/** Peaks kept before NMS, and NMS overlap, as @vladmandic/human runs this CenterNet. */
const DETECTOR_TOP_K = 100;
const NMS_IOU = 0.4;

export interface RecognizerOptions {
  backend: InferenceBackend;
  manifest: Manifest;
  /** Bundle file path → its bytes, already verified against the manifest. */
  files: Readonly<Record<string, Uint8Array>>;
  decode: ImageDecoder;
  now?: () => number;
}

export interface RecognizeOptions {
  /** List every tag scoring at least this, shown or not (default: only shown tags). */
  minScore?: number;
}

export interface Recognizer {
  readonly manifest: Manifest;
  readonly provider: ExecutionProvider;
  recognize(bytes: Uint8Array, options?: RecognizeOptions): Promise<Recognition>;
  release(): Promise<void>;
}

interface Loaded<E extends ModelEntry> {
  entry: E;
  session: ModelSession;
}

/**
 * Loads the bundle's detector and, when it has them, its classifier and trained head into sessions
 * of `backend`. Any model failing to load fails the whole bundle (the app then rolls back to the
 * bundle it had), releasing what was already loaded.
 */
export async function createRecognizer(options: RecognizerOptions): Promise<Recognizer> {
  const { backend, manifest, files, decode, now = () => performance.now() } = options;
  const vocabulary = vocabularyOf(manifest);
  const detectorEntry = manifest.models.find((m): m is DetectorEntry => m.kind === 'detector');
  if (!detectorEntry) throw new RecognitionError('model-unavailable', `Model bundle ${manifest.version} has no detector`);
  const classifierEntry = manifest.models.find((m): m is ClassifierEntry => m.kind === 'classifier');
  const headEntry = manifest.models.find((m): m is HeadEntry => m.kind === 'head');
  const sessions: ModelSession[] = [];
  const loadOrRelease = async <E extends ModelEntry>(entry: E): Promise<Loaded<E>> => {
    try {
      const loaded = await load(backend, entry, files);
      sessions.push(loaded.session);
      return loaded;
    } catch (error) {
      await Promise.all(sessions.map((session) => session.release()));
      throw error;
    }
  };
  const detector = await loadOrRelease(detectorEntry);
  const classifier = classifierEntry && (await loadOrRelease(classifierEntry));
  const head = headEntry && (await loadOrRelease(headEntry));
  // Sessions must not run concurrently (onnxruntime-web refuses): recognitions queue up.
  let queue: Promise<unknown> = Promise.resolve();

  // Decoding at the lowest threshold (or the caller's lower minScore) loses no tag that could be listed.
  const lowestThreshold = Math.min(...manifest.tags.map((tag) => tag.threshold));

  async function recognizeNow(bytes: Uint8Array, { minScore }: RecognizeOptions): Promise<Recognition> {
    const t0 = now();
    const info = readImageInfo(bytes);
    const image = await decodeChecked(decode, bytes, info);
    const t1 = now();
    const detectorInput = imageToTensor(image, info.orientation, detector.entry.preprocess);
    const classifierInput = classifier && imageToTensor(image, info.orientation, classifier.entry.preprocess);
    const t2 = now();
    const detected = await runModel(detector.entry, detector.session, detectorInput);
    const embedding = detected[detector.entry.outputs.embedding].data;
    const t3 = now();
    const cutoff = Math.min(minScore ?? 1, lowestThreshold);
    const logits = classifier && classifierInput && (await runModel(classifier.entry, classifier.session, classifierInput));
    const learned = head ? await headTags(head.entry, head.session, embedding, cutoff) : [];
    const t4 = now();
    const photo = orientedSize(info.width, info.height, info.orientation);
    const scored = detectorTags(detector.entry, detected, photo, cutoff);
    if (classifier && logits) scored.push(...classifierTags(classifier.entry, logits, cutoff));
    const tags = mergeTags([...scored, ...learned], vocabulary, minScore);
    const t5 = now();
    const timings = {
      decode: t1 - t0,
      preprocess: t2 - t1,
      detector: t3 - t2,
      classifier: t4 - t3,
      postprocess: t5 - t4,
      total: t5 - t0,
    };
    return { model: manifest.version, provider: backend.provider, ...photo, tags, embedding, timings };
  }

  return {
    manifest,
    provider: backend.provider,
    recognize(bytes, options = {}) {
      const result = queue.then(() => recognizeNow(bytes, options));
      queue = result.catch(() => undefined);
      return result;
    },
    async release() {
      await queue;
      await Promise.all(sessions.map((session) => session.release()));
    },
  };
}

/** Peaks → per-class NMS → one tag per class with its boxes on the upright photo. */
function detectorTags(
  entry: DetectorEntry,
  outputs: Record<string, Tensor>,
  photo: { width: number; height: number },
  minScore: number,
): ScoredTag[] {
  const { heatmap, sizes } = entry.outputs;
  const peaks = decodeDetections(outputs[heatmap], outputs[sizes], {
    stride: entry.stride,
    sizeScale: entry.sizeScale,
    layout: entry.heatmapLayout,
    topK: DETECTOR_TOP_K,
    minScore,
  });
  const frame = inputFrame(entry.preprocess, photo.width, photo.height);
  const toBox = (det: (typeof peaks)[number]) => mapBox(det, frame, photo.width, photo.height);
  return tagsFromDetections(nmsPerClass(peaks, NMS_IOU), entry.classes, toBox);
}

function classifierTags(entry: ClassifierEntry, outputs: Record<string, Tensor>, minScore: number): ScoredTag[] {
  const probabilities = softmax(outputs[entry.outputs.logits].data);
  return tagsFromClassifier(topK(probabilities, entry.classes.length, minScore), entry.classes);
}

async function load<E extends ModelEntry>(
  backend: InferenceBackend,
  entry: E,
  files: Readonly<Record<string, Uint8Array>>,
): Promise<Loaded<E>> {
  const bytes = files[entry.file];
  if (!bytes) throw new RecognitionError('model-unavailable', `Model file ${entry.file} is missing`);
  try {
    return { entry, session: await backend.createSession(bytes) };
  } catch (error) {
    const message = `Model file ${entry.file} could not be loaded: ${messageOf(error)}`;
    throw new RecognitionError('model-unavailable', message, { cause: error });
  }
}

/** Decoders report in their own words; a photo they cannot read is a corrupt photo. */
async function decodeChecked(decode: ImageDecoder, bytes: Uint8Array, info: ImageInfo): Promise<DecodedImage> {
  let image: DecodedImage;
  try {
    image = await decode(bytes, info);
  } catch (error) {
    if (error instanceof RecognitionError) throw error;
    const message = `This ${info.format.toUpperCase()} file could not be decoded: ${messageOf(error)}`;
    throw new RecognitionError('corrupt-image', message, { cause: error });
  }
  if (!(image.width > 0 && image.height > 0) || image.data.length < image.width * image.height * 4) {
    throw new RecognitionError('corrupt-image', `This ${info.format.toUpperCase()} file decoded to no usable pixels`);
  }
  return image;
}
