import { createHash } from 'node:crypto';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allBundleFiles, parseManifest, type Manifest } from '../pipeline/manifest.ts';
import { vocabularyOf } from '../pipeline/tags.ts';
import { buildBundle, type BuildOptions } from './build.ts';
import { ocrPackageFiles, vendorDir, vendoredClassifier } from './sources.ts';

let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'wanwu-build-'));
});
afterAll(() => rm(work, { recursive: true, force: true }));

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

async function readBundle(dir: string): Promise<Manifest> {
  return parseManifest(JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')));
}

describe('buildBundle', () => {
  const options = (): BuildOptions => ({ outDir: join(work, 'full', 'bundle') });

  it('writes a valid manifest whose files, names and vocabulary match the models', async () => {
    const { manifest, dir, rebuilt } = await buildBundle(options());
    expect(rebuilt).toBe(true);
    expect(await readBundle(dir)).toEqual(manifest);
    expect((await readdir(dir)).sort()).toEqual(['classifier.onnx', 'detector.onnx', 'manifest.json', 'ocr-detector.onnx', 'ocr-dictionary.txt', 'ocr-direction.onnx', 'ocr-recognizer.onnx']);

    for (const file of allBundleFiles(manifest)) {
      const bytes = await readFile(join(dir, file.path));
      expect({ path: file.path, sha256: sha256(bytes), bytes: bytes.length }).toEqual(file);
    }
    for (const model of manifest.models) {
      const session = await ort.InferenceSession.create(join(dir, model.file));
      expect(session.inputNames).toEqual([model.input]);
      expect([...session.outputNames].sort()).toEqual(Object.values(model.outputs).sort());
      await session.release();
    }

    expect(manifest.files.map((f) => f.path)).toEqual(['detector.onnx', 'classifier.onnx']);
    await expectOcrModels(dir, manifest);

    expect(manifest.models.map((m) => [m.kind, m.classes.length])).toEqual([['detector', 80], ['classifier', 1000]]);
    // The vendored classifier is the hwacc_design_garage copy, and the manifest says so.
    expect(manifest.files.find((f) => f.path === 'classifier.onnx')?.sha256).toBe(vendoredClassifier.sha256);
    expect(manifest.models[1].source).toMatch(/hwacc_design_garage/);
    expect(manifest.tags).toHaveLength(1054);
    const vocabulary = vocabularyOf(manifest);
    expect(vocabulary.get('coco:dog')).toEqual({ id: 'coco:dog', en: 'dog', zh: '狗', pinyin: 'gou', threshold: 0.3 });
    expect(vocabulary.get('coco:sports-ball')?.en).toBe('sports ball');
    expect(vocabulary.get('imagenet:goldfish')).toEqual({
      id: 'imagenet:goldfish',
      en: 'goldfish',
      zh: '金鱼',
      pinyin: 'jin yu',
      threshold: 0.25,
    });
    expect(vocabulary.get('imagenet:golden-retriever')?.pinyin).toBe('jin mao xun hui quan');
    // A class both models know is one tag: the classifier's zebra reports as the detector's.
    expect(manifest.models[1].classes[340]).toBe('coco:zebra');
    expect(vocabulary.has('imagenet:zebra')).toBe(false);
    for (const language of ['en', 'zh'] as const) {
      const names = manifest.tags.map((tag) => tag[language].toLowerCase());
      expect(new Set(names).size, `${language} names are unique`).toBe(names.length);
    }
  });

  it('leaves a fresh bundle alone and rebuilds a damaged one', async () => {
    const first = await readBundle(options().outDir);
    const again = await buildBundle(options());
    expect(again.rebuilt).toBe(false);
    expect(again.manifest).toEqual(first);

    const detector = join(options().outDir, 'detector.onnx');
    const bytes = await readFile(detector);
    bytes[bytes.length - 1] ^= 0xff;
    await writeFile(detector, bytes);
    const repaired = await buildBundle(options());
    expect(repaired.rebuilt).toBe(true);
    expect(repaired.manifest.version).toBe(first.version);
    expect(sha256(await readFile(detector))).toBe(first.files[0].sha256);

    const dictionary = join(options().outDir, 'ocr-dictionary.txt');
    await writeFile(dictionary, 'a\nb\n');
    expect((await buildBundle(options())).rebuilt).toBe(true);
    expect(sha256(await readFile(dictionary))).toBe(ocrPackageFiles.dictionary.sha256);
  });
});

/** The OCR models are listed apart from the recognition files, and each names its real inputs and outputs. */
async function expectOcrModels(dir: string, manifest: Manifest): Promise<void> {
  const ocr = manifest.ocr!;
  expect(ocr.source).toMatch(/@gutenye\/ocr-models 1\.4\.2/);
  expect(ocr.files.map((f) => [f.path, f.sha256])).toEqual([
    ['ocr-detector.onnx', ocrPackageFiles.detector.sha256],
    ['ocr-recognizer.onnx', ocrPackageFiles.recognizer.sha256],
    ['ocr-direction.onnx', ocrPackageFiles.direction.sha256],
    ['ocr-dictionary.txt', ocrPackageFiles.dictionary.sha256],
  ]);
  for (const model of [ocr.detector, ocr.recognizer, ocr.direction]) {
    const session = await ort.InferenceSession.create(join(dir, model.file));
    expect([session.inputNames, session.outputNames]).toEqual([[model.input], [model.output]]);
    await session.release();
  }
  // The recogniser's classes: blank + one per dictionary line + space.
  const dictionaryLines = (await readFile(join(dir, ocr.recognizer.dictionary), 'utf8')).trimEnd().split('\n').length;
  expect(dictionaryLines + 2).toBe(6625);
}

describe('buildBundle with a vendored classifier that is not the pinned file', () => {
  it('refuses to build, naming the file and how to restore it', async () => {
    const vendor = join(work, 'vendor');
    await mkdir(vendor);
    await copyFile(join(vendorDir, vendoredClassifier.path), join(vendor, vendoredClassifier.path));
    const bytes = await readFile(join(vendor, vendoredClassifier.path));
    bytes[1000] ^= 0xff;
    await writeFile(join(vendor, vendoredClassifier.path), bytes);

    const outDir = join(work, 'tampered', 'bundle');
    const build = buildBundle({ outDir, vendorDir: vendor });
    await expect(build).rejects.toThrow(/mobilenetv2-12-int8\.onnx is not the pinned file .*git checkout models\/vendor/);
    await expect(readdir(outDir)).rejects.toThrow(/ENOENT/);
  });
});
