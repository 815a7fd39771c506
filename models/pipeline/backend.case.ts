import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import jpeg from 'jpeg-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleDir, photosDir } from '../../test/env.ts';
import type { InferenceBackend, ModelSession } from './backend.ts';
import { MANIFEST_FILE, parseManifest, type DetectorEntry, type Manifest } from './manifest.ts';
import { createRecognizer } from './recognize.ts';

export interface BackendContractOptions {
  name: string;
  createBackend: () => InferenceBackend | Promise<InferenceBackend>;
}

/**
 * What every InferenceBackend must do with the real built bundle (like Hono's
 * `router/common.case.test.ts`): each implementation's test file is a call to this.
 */
export function runBackendContract({ name, createBackend }: BackendContractOptions): void {
  describe(`InferenceBackend contract: ${name}`, () => {
    let backend: InferenceBackend;
    let manifest: Manifest;
    let files: Record<string, Uint8Array>;
    let detector: DetectorEntry;
    let session: ModelSession;

    beforeAll(async () => {
      const text = await readFile(join(bundleDir, MANIFEST_FILE), 'utf8');
      manifest = parseManifest(JSON.parse(text));
      files = Object.fromEntries(await Promise.all(manifest.files.map(async (f) => [f.path, await readFile(join(bundleDir, f.path))])));
      detector = manifest.models.find((m): m is DetectorEntry => m.kind === 'detector')!;
      backend = await createBackend();
      session = await backend.createSession(files[detector.file]);
    });
    afterAll(() => session?.release());

    it('exposes the model inputs and outputs by name', () => {
      expect(session.inputNames).toEqual([detector.input]);
      expect([...session.outputNames].sort()).toEqual(Object.values(detector.outputs).sort());
    });

    it('runs a 512×512 photo tensor into heads of the documented shapes', async () => {
      const { width, height } = detector.preprocess;
      const input = { data: new Float32Array(3 * width * height).fill(128), dims: [1, 3, height, width] };
      const out = await session.run({ [detector.input]: input });
      const cells = (width / detector.stride) * (height / detector.stride);
      const { heatmap, sizes, embedding } = detector.outputs;
      expect(out[heatmap].dims).toEqual([1, detector.classes.length, height / detector.stride, width / detector.stride]);
      expect(out[sizes].dims).toEqual([1, 4, height / detector.stride, width / detector.stride]);
      expect(out[embedding].dims).toEqual([1, 960]);
      expect(out[heatmap].data).toBeInstanceOf(Float32Array);
      expect(out[heatmap].data.length).toBe(detector.classes.length * cells);
      // After the sigmoid every heatmap value is a probability.
      expect(out[heatmap].data.every((v) => v >= 0 && v <= 1)).toBe(true);
      expect(out[embedding].data.every(Number.isFinite)).toBe(true);
    });

    it('fetches only the outputs asked for', async () => {
      const { width, height } = detector.preprocess;
      const input = { data: new Float32Array(3 * width * height), dims: [1, 3, height, width] };
      const out = await session.run({ [detector.input]: input }, [detector.outputs.embedding]);
      expect(Object.keys(out)).toEqual([detector.outputs.embedding]);
    });

    it('recognises dog, bicycle and a car or truck in dog.jpg through the full pipeline', async () => {
      // A pure-JS JPEG decoder keeps this suite runnable wherever the backend runs.
      const decode = async (bytes: Uint8Array) => jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true });
      const recognizer = await createRecognizer({ backend, manifest, files, decode });
      try {
        const result = await recognizer.recognize(await readFile(join(photosDir, 'dog.jpg')));
        const shown = result.tags.filter((tag) => tag.shown).map((tag) => tag.id);
        expect(result.provider).toBe(backend.provider);
        expect(shown).toEqual(expect.arrayContaining(['coco:dog', 'coco:bicycle']));
        expect(shown.some((id) => id === 'coco:car' || id === 'coco:truck')).toBe(true);
        expect(result.tags.find((tag) => tag.id === 'coco:dog')?.boxes?.length).toBeGreaterThan(0);
      } finally {
        await recognizer.release();
      }
    });
  });
}
