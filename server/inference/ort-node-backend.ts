import { availableParallelism } from 'node:os';
import * as ort from 'onnxruntime-node';
import type { InferenceBackend, ModelSession, Tensor } from '../../models/pipeline/backend.ts';

// onnxruntime-node 1.30 gathers "telemetry" when it creates its environment, which on Linux runs
// GCC regexes over the process's command line: past about 25 KB of arguments (800 photo paths)
// they recurse off the stack and the process dies with SIGSEGV. Wanwu sends no telemetry anyway.
process.env.ORT_DISABLE_TELEMETRY ??= '1';

/** The Node implementation of the inference seam: onnxruntime-node on the CPU. */
export function createNodeBackend(): InferenceBackend {
  const options: ort.InferenceSession.SessionOptions = {
    executionProviders: ['cpu'],
    intraOpNumThreads: availableParallelism(),
    graphOptimizationLevel: 'all',
    // Errors only: a CLI's stdout is read by scripts.
    logSeverityLevel: 3,
  };
  return {
    provider: 'cpu',
    async createSession(model) {
      return wrapSession(await ort.InferenceSession.create(model, options));
    },
  };
}

function wrapSession(session: ort.InferenceSession): ModelSession {
  return {
    inputNames: session.inputNames,
    outputNames: session.outputNames,
    async run(inputs, outputs) {
      const feeds: Record<string, ort.Tensor> = {};
      for (const [name, tensor] of Object.entries(inputs)) {
        feeds[name] = new ort.Tensor('float32', tensor.data, tensor.dims);
      }
      const results = outputs ? await session.run(feeds, outputs) : await session.run(feeds);
      const plain: Record<string, Tensor> = {};
      for (const [name, value] of Object.entries(results)) {
        plain[name] = toPlain(name, value as ort.Tensor);
      }
      return plain;
    },
    release: () => session.release(),
  };
}

function toPlain(name: string, tensor: ort.Tensor): Tensor {
  // Every model in a Wanwu bundle has float32 outputs; anything else is a bundle built wrongly.
  if (tensor.type !== 'float32') {
    throw new Error(`Model output "${name}" is ${tensor.type}; Wanwu expects float32 outputs`);
  }
  return { data: tensor.data as Float32Array, dims: tensor.dims };
}
