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
