/**
 * The one seam between the pure pipeline and an inference runtime.
 * The browser worker implements it with onnxruntime-web, Node with onnxruntime-node;
 * nothing in models/pipeline imports a runtime, the DOM or the file system.
 */

/** A float tensor as plain data: no runtime objects cross this boundary. */
export interface Tensor {
  readonly data: Float32Array;
  readonly dims: readonly number[];
}

export type ExecutionProvider = 'webgpu' | 'wasm' | 'cpu';

export interface ModelSession {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  /** Runs the model; only the outputs named in `outputs` are fetched (all when omitted). */
  run(inputs: Record<string, Tensor>, outputs?: readonly string[]): Promise<Record<string, Tensor>>;
  release(): Promise<void>;
}

export interface InferenceBackend {
  /** The execution provider sessions of this backend actually run on. */
  readonly provider: ExecutionProvider;
  createSession(model: Uint8Array): Promise<ModelSession>;
}
