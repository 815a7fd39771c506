import type { InferenceSession, Tensor as OrtTensor } from 'onnxruntime-web';
import type { InferenceBackend, ModelSession, Tensor } from '../../models/pipeline/backend.ts';

/** Everything onnxruntime-web lives in this module: builds, settings, sessions, tensors. */

type Ort = typeof import('onnxruntime-web/wasm');

export type WebProvider = 'webgpu' | 'wasm';

export interface WebCapabilities {
  /** `navigator.gpu` gave an adapter. */
  readonly webgpu: boolean;
  /** WASM threads: more than one only when cross-origin isolated (SharedArrayBuffer). */
  readonly threads: number;
}

export interface WebBackend extends InferenceBackend {
  readonly provider: WebProvider;
  readonly threads: number;
}

let capabilities: Promise<WebCapabilities> | undefined;

/** What this browser can do, probed once per worker and frozen. */
export function detectCapabilities(): Promise<WebCapabilities> {
  capabilities ??= (async () => {
    const threads = globalThis.crossOriginIsolated ? Math.min(4, navigator.hardwareConcurrency || 1) : 1;
    return Object.freeze({ webgpu: await hasWebGpuAdapter(), threads });
  })();
  return capabilities;
}

async function hasWebGpuAdapter(): Promise<boolean> {
  const gpu = (navigator as { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
  try {
    return (await gpu?.requestAdapter()) != null;
  } catch {
    return false;
  }
}

/**
 * A backend on WebGPU when asked for and an adapter exists, else on WASM. Only the build that will
 * run is imported: the WebGPU one is twice the bytes, and never fetched where it cannot be used.
 * Sessions ask for exactly one provider, so `provider` is what really runs (onnxruntime would
 * otherwise drop a failing WebGPU silently); the caller falls back to a WASM backend on failure.
 */
export async function createWebBackend({ preferWebGPU }: { preferWebGPU: boolean }): Promise<WebBackend> {
  const { webgpu, threads } = await detectCapabilities();
  const provider: WebProvider = preferWebGPU && webgpu ? 'webgpu' : 'wasm';
  const ort: Ort = provider === 'webgpu' ? await import('onnxruntime-web/webgpu') : await import('onnxruntime-web/wasm');
  ort.env.wasm.numThreads = threads;
  const options: InferenceSession.SessionOptions = {
    executionProviders: [provider],
    graphOptimizationLevel: 'all',
    // On WebGPU onnxruntime puts shape ops on the CPU by design and warns about it on every load.
    logSeverityLevel: provider === 'webgpu' ? 3 : 2,
  };
  return {
    provider,
    threads,
    async createSession(model) {
      return wrapSession(ort, await ort.InferenceSession.create(model, options));
    },
  };
}

function wrapSession(ort: Ort, session: InferenceSession): ModelSession {
  return {
    inputNames: session.inputNames,
    outputNames: session.outputNames,
    async run(inputs, outputs) {
      const feeds: Record<string, OrtTensor> = {};
      // The tensor wraps the caller's Float32Array: no copy on this side of the runtime.
      for (const [name, tensor] of Object.entries(inputs)) feeds[name] = new ort.Tensor('float32', tensor.data, tensor.dims);
      // Naming the outputs makes onnxruntime copy out only those.
      const results = outputs ? await session.run(feeds, outputs) : await session.run(feeds);
      const out: Record<string, Tensor> = {};
      for (const [name, value] of Object.entries(results)) {
        if (value.type !== 'float32') throw new Error(`Output ${name} is ${value.type}, expected float32`);
        out[name] = { data: value.data as Float32Array, dims: value.dims };
      }
      return out;
    },
    release: () => session.release(),
  };
}
