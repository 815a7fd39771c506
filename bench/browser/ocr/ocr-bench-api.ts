import type { TextLine } from '../../../models/pipeline/ocr/read-text.ts';

/** What the OCR benchmark page exposes as `window.wanwuOcrBench`; Node drives it through Playwright. */
export interface OcrBenchApi {
  /** Loads the bundle's OCR models from the server and keeps the images (base64) in memory, so no run measures the network. */
  setup(images: string[]): Promise<OcrBenchSetup>;
  /** Bytes in, lines out, as the app reads text: browser decode, the three models, post-processing. */
  read(image: number): Promise<OcrRun>;
}

export interface OcrBenchSetup {
  crossOriginIsolated: boolean;
  hardwareConcurrency: number;
  provider: string;
  threads: number;
  version: string;
  /** Fetching, verifying and loading the three models. */
  loadMs: number;
}

export interface OcrRun {
  wallMs: number;
  lines: TextLine[];
}

declare global {
  interface Window {
    wanwuOcrBench: OcrBenchApi;
  }
}
