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
});

export type BundleFile = z.infer<typeof BundleFileSchema>;
export type Preprocess = z.infer<typeof PreprocessSchema>;
export type DetectorEntry = z.infer<typeof DetectorSchema>;
export type ClassifierEntry = z.infer<typeof ClassifierSchema>;
export type HeadEntry = z.infer<typeof HeadSchema>;
export type ModelEntry = z.infer<typeof ModelEntrySchema>;
export type VocabularyTag = z.infer<typeof VocabularyTagSchema>;
export type Manifest = z.infer<typeof ManifestSchema>;

export function parseManifest(json: unknown): Manifest {
  return ManifestSchema.parse(json);
}
