import { cocoLabels, imagenetLabels, type Label } from '../labels/labels.ts';
import type { ClassifierEntry, DetectorEntry, OcrEntry, OcrNormalise, VocabularyTag } from '../pipeline/manifest.ts';
import { pinyinOf } from './pinyin.ts';

/**
 * Default decision thresholds, one per model, until feedback calibrates them per tag.
 * Detector: a CenterNet heatmap peak (sigmoid); 0.3 is a step above human's own 0.2 cut, to
 * show fewer doubtful boxes. Classifier: a softmax probability over 1000 classes with many
 * look-alikes (120 dog breeds), where a quarter of the mass already marks a clear favourite.
 */
export const defaultThresholds = { detector: 0.3, classifier: 0.25 } as const;

export const detectorFile = 'detector.onnx';
export const classifierFile = 'classifier.onnx';

/** The converted CenterNet: the agreed I/O of models/convert/centernet.ts. */
export function detectorEntry(source: string): DetectorEntry {
  return {
    kind: 'detector',
    file: detectorFile,
    source,
    input: 'images',
    // The whole photo stretched to 512×512, RGB 0–255 as TF.js fed it: no letterbox, no normalisation.
    preprocess: { width: 512, height: 512, resize: 'stretch', layout: 'NCHW', scale: 1, mean: [0, 0, 0], std: [1, 1, 1] },
    outputs: { heatmap: 'heatmap', sizes: 'sizes', embedding: 'embedding' },
    stride: 4,
    sizeScale: 16,
    heatmapLayout: 'NCHW',
    classes: cocoLabels.map((label) => label.id),
  };
}

/** MobileNetV2-12-int8 with the ONNX Model Zoo's preprocessing. */
export function classifierEntry(source: string): ClassifierEntry {
  return {
    kind: 'classifier',
    file: classifierFile,
    source,
    input: 'input',
    preprocess: {
      width: 224,
      height: 224,
      resize: 'center-crop',
      resizeShortSide: 256,
      layout: 'NCHW',
      scale: 1 / 255,
      mean: [0.485, 0.456, 0.406],
      std: [0.229, 0.224, 0.225],
    },
    outputs: { logits: 'output' },
    classes: imagenetLabels.map((label) => cocoTwin(label)?.id ?? label.id),
  };
}

/**
 * The COCO class an ImageNet class names too (same English or Chinese name: zebra, pizza, 手机…).
 * The classifier reports such a class under the COCO tag, so a person never sees 斑马 twice and
 * the tag's score is the better of the two models' evidence.
 */
function cocoTwin(label: Label): Label | undefined {
  return cocoLabels.find((coco) => coco.en.toLowerCase() === label.en.toLowerCase() || coco.zh === label.zh);
}

/** The bundle's vocabulary: the tags its models can output, with their names, pinyin and thresholds. */
export function vocabulary(): VocabularyTag[] {
  const tags = (labels: readonly Label[], threshold: number) =>
    labels.map(({ id, en, zh }) => ({ id, en, zh, pinyin: pinyinOf(zh), threshold }));
  return [
    ...tags(cocoLabels, defaultThresholds.detector),
    ...tags(imagenetLabels.filter((label) => !cocoTwin(label)), defaultThresholds.classifier),
  ];
}

/** The OCR files' names in the bundle, by role. */
export const ocrFiles = {
  detector: 'ocr-detector.onnx',
  recognizer: 'ocr-recognizer.onnx',
  direction: 'ocr-direction.onnx',
  dictionary: 'ocr-dictionary.txt',
} as const;

/**
 * PP-OCR as PaddleOCR's own inference tools run it (tools/infer/predict_*.py, v2.7): photos in
 * OpenCV's BGR order; the detector with ImageNet normalisation, the long side limited to 960 and
 * both sides rounded to multiples of 32, DB post-processing 0.3 / 0.6 / 1.5; lines at height 48,
 * padded to at least 320 wide, (x/255 − 0.5)/0.5; the direction classifier at 48×192 turning a
 * line over from 0.9; lines below 0.5 dropped (drop_score).
 */
export function ocrEntry(source: string): Omit<OcrEntry, 'files'> {
  const symmetric: OcrNormalise = { channels: 'BGR', scale: 1 / 255, mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5] };
  return {
    source,
    detector: {
      file: ocrFiles.detector,
      input: 'x',
      output: 'sigmoid_0.tmp_0',
      normalise: { channels: 'BGR', scale: 1 / 255, mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] },
      limitSideLen: 960,
      multiple: 32,
      binaryThreshold: 0.3,
      boxThreshold: 0.6,
      unclipRatio: 1.5,
    },
    recognizer: {
      file: ocrFiles.recognizer,
      input: 'x',
      output: 'softmax_11.tmp_0',
      dictionary: ocrFiles.dictionary,
      normalise: symmetric,
      height: 48,
      minWidth: 320,
      minScore: 0.5,
    },
    direction: {
      file: ocrFiles.direction,
      input: 'x',
      output: 'softmax_0.tmp_0',
      normalise: symmetric,
      width: 192,
      height: 48,
      threshold: 0.9,
    },
  };
}
