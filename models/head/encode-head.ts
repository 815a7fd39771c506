import { decodeModel } from '../convert/onnx-reader.ts';
import { DataType, encodeModel } from '../convert/onnx-writer.ts';
import type { TagHead } from './head.ts';

/**
 * A TagHead as the ONNX model a bundle ships (opset 17): input `embedding` float32 [1, dims],
 * output `scores` float32 [1, tags] = Sigmoid(Gemm(embedding, weights, bias)). The tag ids travel
 * in the model's metadata, so the bytes alone give the head back (`decodeHead`).
 */
export const HEAD_INPUT = 'embedding';
export const HEAD_OUTPUT = 'scores';
const TAGS_METADATA = 'wanwu.tags';

const floatBytes = (values: Float32Array) => new Uint8Array(values.buffer, values.byteOffset, values.byteLength);

function checkShape(head: TagHead): void {
  const { dims, tags, weights, bias } = head;
  if (!(dims > 0 && tags.length > 0)) throw new Error(`A head needs dims and tags (dims ${dims}, ${tags.length} tags)`);
  if (weights.length !== dims * tags.length || bias.length !== tags.length) {
    throw new Error(
      `Head weights ${weights.length} / bias ${bias.length} do not fit ${dims} dims × ${tags.length} tags`,
    );
  }
}

export function encodeHead(head: TagHead): Uint8Array {
  checkShape(head);
  const { dims, tags } = head;
  return encodeModel({
    irVersion: 8,
    opset: 17,
    producer: 'wanwu',
    metadata: { [TAGS_METADATA]: JSON.stringify(tags) },
    graph: {
      name: 'wanwu-tag-head',
      inputs: [{ name: HEAD_INPUT, elemType: DataType.FLOAT, dims: [1, dims] }],
      outputs: [{ name: HEAD_OUTPUT, elemType: DataType.FLOAT, dims: [1, tags.length] }],
      initializers: [
        { name: 'weights', dataType: DataType.FLOAT, dims: [dims, tags.length], raw: floatBytes(head.weights) },
        { name: 'bias', dataType: DataType.FLOAT, dims: [tags.length], raw: floatBytes(head.bias) },
      ],
      nodes: [
        { opType: 'Gemm', name: 'logits', inputs: [HEAD_INPUT, 'weights', 'bias'], outputs: ['logits'] },
        { opType: 'Sigmoid', name: HEAD_OUTPUT, inputs: ['logits'], outputs: [HEAD_OUTPUT] },
      ],
    },
  });
}

/** The head back from bytes `encodeHead` wrote (the training job scores the current head with it). */
export function decodeHead(bytes: Uint8Array): TagHead {
  const { metadata, initializers } = decodeModel(bytes);
  const tensor = (name: string) => {
    const found = initializers.find((initializer) => initializer.name === name);
    if (!found || found.dataType !== DataType.FLOAT) throw new Error(`Not a Wanwu head: no float tensor "${name}"`);
    return { dims: found.dims, values: new Float32Array(found.raw.buffer, found.raw.byteOffset, found.raw.byteLength / 4) };
  };
  const tagsJson = metadata[TAGS_METADATA];
  if (tagsJson === undefined) throw new Error(`Not a Wanwu head: no "${TAGS_METADATA}" metadata`);
  const tags = JSON.parse(tagsJson) as unknown;
  if (!Array.isArray(tags) || !tags.every((tag) => typeof tag === 'string')) {
    throw new Error(`Not a Wanwu head: "${TAGS_METADATA}" is not a list of tag ids`);
  }
  const weights = tensor('weights');
  const head: TagHead = { dims: weights.dims[0], tags, weights: weights.values, bias: tensor('bias').values };
  checkShape(head);
  return head;
}
