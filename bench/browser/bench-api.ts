import type { LoadedModels } from '../../app/inference/protocol.ts';
import type { StageTimings } from '../../models/pipeline/types.ts';

/** What the benchmark page exposes as `window.wanwuBench`; Node drives it through Playwright. */
export interface BenchApi {
  /** Loads both runtimes and keeps the photos (base64) in memory, so no run measures the network. */
  setup(photos: string[]): Promise<BenchSetup>;
  runWanwu(photo: number): Promise<WanwuRun>;
  runTfjs(photo: number): Promise<TfjsRun>;
}

export interface BenchSetup {
  crossOriginIsolated: boolean;
  hardwareConcurrency: number;
  wanwu: LoadedModels & { loadMs: number };
  tfjs: { version: string; backend: string; threads: number; simd: boolean; multithread: boolean; loadMs: number };
}

/** Bytes in, tags out, as the app's worker does it (decode, both models, post-processing). */
export interface WanwuRun {
  wallMs: number;
  timings: StageTimings;
  top: { id: string; score: number }[];
}

/** Bytes in, detections out, as Human does it (browser decode, fromPixels, resize, graph, NMS). */
export interface TfjsRun {
  wallMs: number;
  modelMs: number;
  top: { classIndex: number; score: number }[];
}

declare global {
  interface Window {
    wanwuBench: BenchApi;
  }
}
