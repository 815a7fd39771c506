import { z } from 'zod';

/**
 * The model bundle manifest: the one description of a bundle, written by `npm run models`
 * (models/build), served by the server, verified and read by the app and the CLI.
 */

/** The manifest's file name inside a bundle folder. */
export const MANIFEST_FILE = 'manifest.json';

const sha256 = z.string().regex(/^[0-9a-f]{64}$/);

export const BundleFileSchema = z.object({
  /** File name inside the bundle folder (no slashes). */
  path: z.string().regex(/^[A-Za-z0-9._-]+$/),
  sha256,
  bytes: z.number().int().positive(),
});

/** How a photo becomes the model's input tensor. */
export const PreprocessSchema = z.object({
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  /** `stretch`: whole photo resized to width×height; `center-crop`: short side to `resizeShortSide`, then centre crop. */
  resize: z.enum(['stretch', 'center-crop']),
  resizeShortSide: z.number().int().positive().optional(),
  layout: z.enum(['NCHW', 'NHWC']),
  /** value = (pixel * scale - mean[c]) / std[c], pixel in 0..255, channels RGB. */
  scale: z.number(),
  mean: z.tuple([z.number(), z.number(), z.number()]),
  std: z.tuple([z.number(), z.number(), z.number()]),
});

const ModelBase = {
  file: z.string(),
  input: z.string(),
  preprocess: PreprocessSchema,
  /** Tag id for each output class index. */
  classes: z.array(z.string()),
  /** Where the weights come from, in words (upstream and build), so a bundle says which build it ships. */
  source: z.string().optional(),
};

export const DetectorSchema = z.object({
  kind: z.literal('detector'),
  ...ModelBase,
  outputs: z.object({ heatmap: z.string(), sizes: z.string(), embedding: z.string() }),
  /** Output stride of the heads relative to the input (CenterNet: 4). */
  stride: z.number().int().positive(),
  /** Multiplier turning the raw size head into input pixels (CenterNet: 16). */
  sizeScale: z.number().positive(),
  /** Heatmap layout: NCHW [1,C,H,W] or NHWC [1,H,W,C]. */
  heatmapLayout: z.enum(['NCHW', 'NHWC']),
});

export const ClassifierSchema = z.object({
  kind: z.literal('classifier'),
  ...ModelBase,
  outputs: z.object({ logits: z.string() }),
});

/**
 * The tag head Wanwu trains from feedback (server/training): scores for the tags it learned, from
 * the detector's `embedding` output, as a small ONNX model (models/head). Its tags are the ones
 * the base models do not output: tags people taught, named in `tags` like any other.
 */
export const HeadSchema = z.object({
  kind: z.literal('head'),
  file: z.string(),
  /** Input name: the embedding, float32 [1, inputDims]. */
  input: z.string(),
  inputDims: z.number().int().positive(),
  /** Output name: probabilities after sigmoid, float32 [1, classes.length]. */
  outputs: z.object({ scores: z.string() }),
  classes: z.array(z.string()),
  /** The training run that made it (server/training), in words. */
  source: z.string().optional(),
});

export const ModelEntrySchema = z.discriminatedUnion('kind', [DetectorSchema, ClassifierSchema, HeadSchema]);

export const VocabularyTagSchema = z.object({
  id: z.string().min(1),
  en: z.string().min(1),
  zh: z.string().min(1),
  /** Toneless pinyin of `zh`, one syllable per Han character ('jin mao xun hui quan'), for search. */
  pinyin: z.string().regex(/^[a-z]+( [a-z]+)*$/).optional(),
  /** Decision threshold: a tag is shown when its score is at least this. */
  threshold: z.number().min(0).max(1),
  /** Taught by people and learned by the head (absent for the base models' own tags). */
  taught: z.literal(true).optional(),
  /**
   * A base tag the head corrects from feedback (models/pipeline/corrections.ts): how many people's
   * answers the correction learned from, and the threshold the base models showed it at.
   */
  correction: z.object({ people: z.number().int().min(0), baseThreshold: z.number().min(0).max(1) }).optional(),
});

/** Pixel normalisation of an OCR model input: value = (pixel * scale - mean[c]) / std[c], in `channels` order. */
const OcrNormaliseSchema = z.object({
  /** PaddleOCR reads photos with OpenCV: its models take BGR. */
  channels: z.enum(['RGB', 'BGR']),
  scale: z.number(),
  mean: z.tuple([z.number(), z.number(), z.number()]),
  std: z.tuple([z.number(), z.number(), z.number()]),
});

/**
 * Reading text (PaddleOCR PP-OCR): a text detector, a line recogniser with its dictionary and a
 * 0°/180° direction classifier. Its files are listed apart from `files` because the app fetches
 * them only when a person first asks to read text, verified the same way.
 */
export const OcrSchema = z.object({
  files: z.array(BundleFileSchema),
  /** Where the models come from, in words. */
  source: z.string(),
  detector: z.object({
    file: z.string(),
    input: z.string(),
    /** Text probability map [1,1,H,W] at input resolution. */
    output: z.string(),
    normalise: OcrNormaliseSchema,
    /** The photo's long side is scaled down to at most this; both sides are then rounded to `multiple`. */
    limitSideLen: z.number().int().positive(),
    multiple: z.number().int().positive(),
    /** DB post-processing: bitmap threshold, minimum mean probability of a box, box growth. */
    binaryThreshold: z.number().min(0).max(1),
    boxThreshold: z.number().min(0).max(1),
    unclipRatio: z.number().positive(),
  }),
  recognizer: z.object({
    file: z.string(),
    input: z.string(),
    /** CTC probabilities [N,T,classes]: class 0 is the blank, then the dictionary, then a space. */
    output: z.string(),
    /** The dictionary file: one character per line, in class order. */
    dictionary: z.string(),
    normalise: OcrNormaliseSchema,
    height: z.number().int().positive(),
    /** Lines narrower than this (after scaling to `height`) are padded to it, as PaddleOCR does. */
    minWidth: z.number().int().positive(),
    /** Lines whose mean character confidence is below this are dropped. */
    minScore: z.number().min(0).max(1),
  }),
  direction: z.object({
    file: z.string(),
    input: z.string(),
    /** Probabilities [N,2] for 0° and 180°. */
    output: z.string(),
    normalise: OcrNormaliseSchema,
    width: z.number().int().positive(),
    height: z.number().int().positive(),
    /** A line is also read turned over when the classifier says 180° with at least this probability; the surer reading wins. */
    threshold: z.number().min(0).max(1),
  }),
});

export const ManifestSchema = z.object({
  format: z.literal(1),
  version: z.string().regex(/^[A-Za-z0-9._-]+$/),
  created: z.string(),
  files: z.array(BundleFileSchema),
  models: z.array(ModelEntrySchema),
  tags: z.array(VocabularyTagSchema),
  /** Fingerprint of everything the bundle was built from; the build skips work when it matches. */
  inputs: z.string(),
  /** For a bundle the server published after training: the version it was trained from. */
  previous: z.string().optional(),
  /** Reading text in photos, when the bundle ships it. */
  ocr: OcrSchema.optional(),
});

export type BundleFile = z.infer<typeof BundleFileSchema>;
export type Preprocess = z.infer<typeof PreprocessSchema>;
export type DetectorEntry = z.infer<typeof DetectorSchema>;
export type ClassifierEntry = z.infer<typeof ClassifierSchema>;
export type HeadEntry = z.infer<typeof HeadSchema>;
export type ModelEntry = z.infer<typeof ModelEntrySchema>;
export type VocabularyTag = z.infer<typeof VocabularyTagSchema>;
export type Manifest = z.infer<typeof ManifestSchema>;
export type OcrEntry = z.infer<typeof OcrSchema>;
export type OcrNormalise = OcrEntry['detector']['normalise'];

export function parseManifest(json: unknown): Manifest {
  return ManifestSchema.parse(json);
}

/** Every file a manifest names: the recognition files and, when it has them, the OCR ones. */
export function allBundleFiles(manifest: Manifest): BundleFile[] {
  return [...manifest.files, ...(manifest.ocr?.files ?? [])];
}
