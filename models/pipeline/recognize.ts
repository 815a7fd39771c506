import type { ExecutionProvider, InferenceBackend, ModelSession, Tensor } from './backend.ts';
import { softmax, topK } from './classifier.ts';
import { decodeDetections, nmsPerClass } from './detector.ts';
import { RecognitionError } from './errors.ts';
import { orientedSize } from './exif.ts';
import { applyCorrections, BASE_SCORE_FLOOR, baseScoresOf } from './corrections.ts';
import { runHead } from './head.ts';
import { decodePixels, imageToTensor, inputFrame, readImageInfo, type ImageDecoder } from './image.ts';
import type { ClassifierEntry, DetectorEntry, HeadEntry, Manifest, ModelEntry } from './manifest.ts';
import { runModel } from './run-model.ts';
import { oneAtATime, sessionLoader } from './sessions.ts';
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
  const sessions = sessionLoader(backend, files);
  const load = async <E extends ModelEntry>(entry: E): Promise<Loaded<E>> => ({ entry, session: await sessions.load(entry.file) });
  const detector = await load(detectorEntry);
  const classifier = classifierEntry && (await load(classifierEntry));
  const head = headEntry && (await load(headEntry));
  const queue = oneAtATime();

  // Listing down to the lowest threshold (or the caller's lower minScore) loses no tag that could be shown.
  const lowestThreshold = Math.min(...manifest.tags.map((tag) => tag.threshold));
  const baseTags = new Set([detectorEntry, classifierEntry].flatMap((entry) => entry?.classes ?? []));

  async function recognizeNow(bytes: Uint8Array, { minScore }: RecognizeOptions): Promise<Recognition> {
    const t0 = now();
    const info = readImageInfo(bytes);
    const image = await decodePixels(decode, bytes, info);
    const t1 = now();
    const detectorInput = imageToTensor(image, info.orientation, detector.entry.preprocess);
    const classifierInput = classifier && imageToTensor(image, info.orientation, classifier.entry.preprocess);
    const t2 = now();
    const detected = await runModel(detector.entry, detector.session, detectorInput);
    const embedding = detected[detector.entry.outputs.embedding].data;
    const t3 = now();
    const cutoff = Math.min(minScore ?? 1, lowestThreshold);
    const logits = classifier && classifierInput && (await runModel(classifier.entry, classifier.session, classifierInput));
    const fromHead = head ? await runHead(head.entry, head.session, embedding, baseTags, cutoff) : { learned: [], shifts: new Map<string, number>() };
    const t4 = now();
    const photo = orientedSize(info.width, info.height, info.orientation);
    // Down to the floor training reads: the base scores travel with the embedding, and a correction may lift a low one.
    const base = detectorTags(detector.entry, detected, photo, BASE_SCORE_FLOOR);
    if (classifier && logits) base.push(...classifierTags(classifier.entry, logits, BASE_SCORE_FLOOR));
    const listed = [...applyCorrections(base, fromHead.shifts, cutoff), ...fromHead.learned].filter((tag) => Math.max(tag.score, tag.baseScore ?? 0) >= cutoff);
    const tags = mergeTags(listed, vocabulary, minScore);
    const t5 = now();
    const timings = {
      decode: t1 - t0,
      preprocess: t2 - t1,
      detector: t3 - t2,
      classifier: t4 - t3,
      postprocess: t5 - t4,
      total: t5 - t0,
    };
    return { model: manifest.version, provider: backend.provider, ...photo, tags, embedding, baseScores: baseScoresOf(base), timings };
  }

  return {
    manifest,
    provider: backend.provider,
    recognize: (bytes, options = {}) => queue.run(() => recognizeNow(bytes, options)),
    async release() {
      await queue.idle();
      await sessions.release();
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
