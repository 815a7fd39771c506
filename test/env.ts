import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Paths the tests read, all inside the repository: a clone with nothing beside it passes
 * `npm test`. Larger labelled sets are never read by tests; benchmarks and simulations take them
 * by path (`--data DIR`).
 */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Small inputs the tests need, each folder with its licences and origin (test/fixtures/README.md). */
export const fixturesDir = resolve(repoRoot, 'test', 'fixtures');
/** Nine real photos: a dog with a bicycle and a truck, horses, a giraffe, a bus, The Scream, … */
export const photosDir = resolve(fixturesDir, 'photos');
/** Seventeen images with Chinese and English text, and what they say (`truth.json`). */
export const ocrDir = resolve(fixturesDir, 'ocr-zh');
/** Reference Chinese/English class names the label files are checked against. */
export const labelsDir = resolve(fixturesDir, 'labels');
/** 64 labelled COCO photos, downscaled, as a YOLO folder: the short flywheel run. */
export const cocoMiniDir = resolve(fixturesDir, 'coco-mini');

/** The model bundle `npm run models` writes (git-ignored). */
export const bundleDir = resolve(repoRoot, 'models', 'dist', 'bundle');
/** The built PWA `vite build` writes (git-ignored). */
export const appDistDir = resolve(repoRoot, 'dist');
