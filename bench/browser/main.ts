import * as tf from '@tensorflow/tfjs';
import { getThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
// Human's package exports no subpaths, so its model files are reached by path.
import centerNetBin from '../../node_modules/@vladmandic/human/models/centernet.bin?url';
import centerNetJson from '../../node_modules/@vladmandic/human/models/centernet.json?url';
import { createInferenceClient, type InferenceClient } from '../../app/inference/client.ts';
import { detectLikeHuman, loadCenterNet, type CenterNetFiles } from '../human-centernet.ts';
import type { BenchApi } from './bench-api.ts';

/** The benchmark page: Wanwu's real inference worker and Human's CenterNet on TF.js wasm, side by side. */

let photos: Uint8Array[] = [];
let wanwu: InferenceClient;
let centerNet: tf.GraphModel;

const fromBase64 = (text: string) => Uint8Array.from(atob(text), (ch) => ch.charCodeAt(0));

async function setupTfjs() {
  const started = performance.now();
  // TF.js's threaded wasm build cannot start once bundled (its pthread worker is rebuilt from
  // `factory.toString()`, which loses the bundle's scope), so it runs as Human does on any page that
  // is not cross-origin isolated: SIMD, one thread. Its default on 2 cores is one thread anyway
  // (hardwareConcurrency / 2).
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  setWasmPaths({
    'tfjs-backend-wasm.wasm': wasmPlain,
    'tfjs-backend-wasm-simd.wasm': wasmSimd,
    'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedSimd,
  });
  await tf.setBackend('wasm');
  await tf.ready();
  const [json, weights] = await Promise.all([
    fetch(centerNetJson).then((r) => r.json() as Promise<CenterNetFiles>),
    fetch(centerNetBin).then((r) => r.arrayBuffer()),
  ]);
  centerNet = await loadCenterNet(json, weights);
  return {
    version: tf.version.tfjs,
    backend: tf.getBackend(),
    threads: getThreadsCount(),
    simd: Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')),
    multithread: Boolean(await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT')),
    loadMs: performance.now() - started,
  };
}

const api: BenchApi = {
  async setup(encoded) {
    photos = encoded.map(fromBase64);
    const started = performance.now();
    wanwu = createInferenceClient({ preferWebGPU: false });
    const loaded = await wanwu.load();
    const wanwuSetup = { ...loaded, loadMs: performance.now() - started };
    return {
      crossOriginIsolated,
      hardwareConcurrency: navigator.hardwareConcurrency,
      wanwu: wanwuSetup,
      tfjs: await setupTfjs(),
    };
  },

  async runWanwu(i) {
    const started = performance.now();
    const recognition = await wanwu.recognize(photos[i].slice().buffer);
    const wallMs = performance.now() - started;
    return { wallMs, timings: recognition.timings, top: recognition.tags.slice(0, 5).map(({ id, score }) => ({ id, score })) };
  },

  async runTfjs(i) {
    const started = performance.now();
    // As a page hands Human a photo: the browser decodes it (EXIF orientation applied).
    const bitmap = await createImageBitmap(new Blob([photos[i].slice()]));
    const pixels = tf.browser.fromPixels(bitmap);
    bitmap.close();
    const { detections, modelMs } = await detectLikeHuman(centerNet, pixels);
    pixels.dispose();
    return { wallMs: performance.now() - started, modelMs, top: detections.slice(0, 5) };
  },
};

window.wanwuBench = api;
document.body.dataset.ready = 'true';
