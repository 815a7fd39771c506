import { decodeImage } from '../../../app/inference/decode-image.ts';
import { createWebBackend } from '../../../app/inference/ort-web-backend.ts';
import { MANIFEST_URL, modelFileUrl } from '../../../app/pwa/caches.ts';
import { verifyBundleFile } from '../../../models/pipeline/bundle.ts';
import { parseManifest } from '../../../models/pipeline/manifest.ts';
import { createTextReader, type TextReader } from '../../../models/pipeline/ocr/text-reader.ts';
import type { OcrBenchApi } from './ocr-bench-api.ts';

/**
 * The OCR benchmark page: the shared text reader on onnxruntime-web WASM (threads when the page is
 * cross-origin isolated), with the app's decoder and the bundle the server serves.
 */

let images: Uint8Array[] = [];
let reader: TextReader;

const fromBase64 = (text: string) => Uint8Array.from(atob(text), (ch) => ch.charCodeAt(0));

const api: OcrBenchApi = {
  async setup(encoded) {
    images = encoded.map(fromBase64);
    const started = performance.now();
    const manifest = parseManifest(await (await fetch(MANIFEST_URL)).json());
    const { ocr, version } = manifest;
    if (!ocr) throw new Error(`Model bundle ${version} has no OCR models`);
    const contents = await Promise.all(
      ocr.files.map(async (file) => {
        const bytes = new Uint8Array(await (await fetch(modelFileUrl(version, file.path))).arrayBuffer());
        await verifyBundleFile(file, bytes);
        return [file.path, bytes] as const;
      }),
    );
    const backend = await createWebBackend({ preferWebGPU: false });
    reader = await createTextReader({ backend, entry: ocr, files: Object.fromEntries(contents), decode: decodeImage });
    return {
      crossOriginIsolated,
      hardwareConcurrency: navigator.hardwareConcurrency,
      provider: backend.provider,
      threads: backend.threads,
      version,
      loadMs: performance.now() - started,
    };
  },

  async read(i) {
    const started = performance.now();
    const { lines } = await reader.read(images[i]);
    return { wallMs: performance.now() - started, lines };
  },
};

window.wanwuOcrBench = api;
document.body.dataset.ready = 'true';
