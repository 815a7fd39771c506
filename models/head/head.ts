/**
 * The trained tag head as data: scores = sigmoid(embedding · weights + bias). Written by the
 * server's training (server/training), encoded as ONNX by ./encode-head.ts, run by the pipeline.
 */
export interface TagHead {
  /** Width of the embedding it reads. */
  dims: number;
  /** Tag ids, one per output. */
  tags: string[];
  /** dims × tags.length, row-major. */
  weights: Float32Array;
  bias: Float32Array;
}
