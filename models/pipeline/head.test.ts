import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import jpeg from 'jpeg-js';
import { beforeAll, describe, expect, it } from 'vitest';
import { createNodeBackend } from '../../server/inference/ort-node-backend.ts';
import { bundleDir, photosDir } from '../../test/env.ts';
import { encodeHead, HEAD_INPUT, HEAD_OUTPUT } from '../head/encode-head.ts';
import type { TagHead } from '../head/head.ts';
import type { InferenceBackend } from './backend.ts';
import { RecognitionError } from './errors.ts';
import { runHead } from './head.ts';
import { MANIFEST_FILE, parseManifest, type HeadEntry, type Manifest } from './manifest.ts';
import { createRecognizer } from './recognize.ts';

const decode = async (bytes: Uint8Array) => jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true });
const backend = createNodeBackend();

let manifest: Manifest;
let files: Record<string, Uint8Array>;
let dogPhoto: Uint8Array;

beforeAll(async () => {
  const text = await readFile(join(bundleDir, MANIFEST_FILE), 'utf8');
  manifest = parseManifest(JSON.parse(text));
  files = Object.fromEntries(await Promise.all(manifest.files.map(async (f) => [f.path, await readFile(join(bundleDir, f.path))])));
  dogPhoto = await readFile(join(photosDir, 'dog.jpg'));
});

async function recognizeWith(bundle: Manifest, bundleFiles: Record<string, Uint8Array>, photo: Uint8Array) {
  const recognizer = await createRecognizer({ backend, manifest: bundle, files: bundleFiles, decode });
  try {
    return await recognizer.recognize(photo);
  } finally {
    await recognizer.release();
  }
}

/** A head with one tag per direction: `toward` scores sigmoid(4) on `embedding`, `away` sigmoid(-4). */
function headAlong(embedding: Float32Array, toward: string, away: string): TagHead {
  const squared = embedding.reduce((sum, x) => sum + x * x, 0);
  const weights = new Float32Array(embedding.length * 2);
  embedding.forEach((x, d) => {
    weights[d * 2] = (4 * x) / squared;
    weights[d * 2 + 1] = (-4 * x) / squared;
  });
  return { dims: embedding.length, tags: [toward, away], weights, bias: new Float32Array(2) };
}

function withHead(head: TagHead, bytes = encodeHead(head)): { bundle: Manifest; bundleFiles: Record<string, Uint8Array> } {
  const entry: HeadEntry = {
    kind: 'head',
    file: 'head.onnx',
    input: HEAD_INPUT,
    inputDims: head.dims,
    outputs: { scores: HEAD_OUTPUT },
    classes: head.tags,
  };
  const taught = [
    { id: 'text:测试', zh: '测试', en: 'test', threshold: 0.5, taught: true as const },
    { id: 'text:不会', zh: '不会', en: 'never', threshold: 0.5, taught: true as const },
  ];
  return {
    bundle: { ...manifest, models: [...manifest.models, entry], tags: [...manifest.tags, ...taught] },
    bundleFiles: { ...files, [entry.file]: bytes },
  };
}

describe('the trained head in recognition', () => {
  it('adds the tags it learned (source head, names from the manifest) and leaves the base tags as they were', async () => {
    const base = await recognizeWith(manifest, files, dogPhoto);
    expect(base.embedding).toHaveLength(960);
    const { bundle, bundleFiles } = withHead(headAlong(base.embedding!, 'text:测试', 'text:不会'));
    const result = await recognizeWith(bundle, bundleFiles, dogPhoto);

    const learned = result.tags.find((tag) => tag.id === 'text:测试');
    expect(learned).toMatchObject({ zh: '测试', en: 'test', source: 'head', shown: true });
    expect(learned!.score).toBeCloseTo(1 / (1 + Math.exp(-4)), 4);
    expect(result.tags.map((tag) => tag.id)).not.toContain('text:不会');
    expect(result.tags.filter((tag) => tag.source !== 'head')).toEqual(base.tags);
  });

  it('corrects a base tag it has a column for: its score and boxes move by the head\'s log-odds, and the base score is kept', async () => {
    const base = await recognizeWith(manifest, files, dogPhoto);
    const dog = base.tags.find((tag) => tag.id === 'coco:dog')!;
    const { bundle, bundleFiles } = withHead(headAlong(base.embedding!, 'coco:dog', 'coco:cat'));
    const result = await recognizeWith(bundle, bundleFiles, dogPhoto);

    const moved = (score: number) => 1 / (1 + Math.exp(-(Math.log(score / (1 - score)) + 4)));
    const corrected = result.tags.find((tag) => tag.id === 'coco:dog')!;
    expect(corrected).toMatchObject({ source: 'detector', shown: true, correction: { baseScore: dog.score, shownByBase: dog.shown, people: 0 } });
    expect(corrected.score).toBeCloseTo(moved(dog.score), 4);
    expect(corrected.boxes![0].score).toBeCloseTo(moved(dog.boxes![0].score), 4);
    // What travels for training is what the base models said.
    expect(result.baseScores['coco:dog']).toBeCloseTo(dog.score, 3);
    expect(result.tags.find((tag) => tag.id === 'coco:cat')).toBeUndefined();
    expect(result.tags.filter((tag) => tag.id !== 'coco:dog')).toEqual(base.tags.filter((tag) => tag.id !== 'coco:dog'));
  });

  it('fails the whole bundle when its head cannot be loaded, releasing what it had loaded', async () => {
    const open = new Set<object>();
    const counting: InferenceBackend = {
      provider: backend.provider,
      async createSession(model) {
        const session = await backend.createSession(model);
        open.add(session);
        const release = async () => {
          open.delete(session);
          await session.release();
        };
        return { ...session, release };
      },
    };
    const { bundle, bundleFiles } = withHead(headAlong(new Float32Array(960).fill(1), 'text:测试', 'text:不会'), Uint8Array.of(1, 2, 3));
    const failure = createRecognizer({ backend: counting, manifest: bundle, files: bundleFiles, decode });
    await expect(failure).rejects.toThrow(/Model file head.onnx could not be loaded/);
    await expect(failure).rejects.toMatchObject({ code: 'model-unavailable' });
    expect(open.size).toBe(0);
  });
});

describe('runHead', () => {
  const head = headAlong(Float32Array.of(1, 2, 2), 'text:测试', 'text:不会');
  const entry: HeadEntry = { kind: 'head', file: 'head.onnx', input: HEAD_INPUT, inputDims: 3, outputs: { scores: HEAD_OUTPUT }, classes: head.tags };

  it('lists the tags scoring at least minScore, with source head', async () => {
    const session = await backend.createSession(encodeHead(head));
    try {
      const { learned } = await runHead(entry, session, Float32Array.of(1, 2, 2), new Set(), 0.01);
      expect(learned.map(({ id, source, boxes }) => ({ id, source, boxes }))).toEqual([
        { id: 'text:测试', source: 'head', boxes: [] },
        { id: 'text:不会', source: 'head', boxes: [] },
      ]);
      expect((await runHead(entry, session, Float32Array.of(1, 2, 2), new Set(), 0.5)).learned.map((tag) => tag.id)).toEqual(['text:测试']);
    } finally {
      await session.release();
    }
  });

  it('refuses an embedding of another width, naming both', async () => {
    const session = await backend.createSession(encodeHead(head));
    try {
      const refused = runHead(entry, session, new Float32Array(480), new Set(), 0.5);
      await expect(refused).rejects.toBeInstanceOf(RecognitionError);
      await expect(refused).rejects.toThrow(/reads 3-d embeddings, the detector gave 480-d/);
    } finally {
      await session.release();
    }
  });
});
