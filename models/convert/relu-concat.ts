import type { TfGraph, TfNode } from './tfjs-graph.ts';

/**
 * `Relu(ConcatV2(a, b, axis))` becomes `ConcatV2(Relu(a), Relu(b), axis)`: the same values, but
 * a Relu right after a convolution is fused into it by onnxruntime, so the pass over the whole
 * concatenated tensor shrinks to the inputs that are not convolutions.
 */
export function reluBeforeConcat(graph: TfGraph): TfGraph {
  const nodes = new Map(graph.nodes);
  for (const relu of graph.nodes.values()) {
    const concat = relu.op === 'Relu' ? graph.nodes.get(relu.input?.[0] ?? '') : undefined;
    if (concat?.op !== 'ConcatV2' || !concat.input || concat.input.some((input) => input.startsWith('^'))) continue;
    const axis = concat.input[concat.input.length - 1];
    const parts = concat.input.slice(0, -1).map((input, i): TfNode => ({ name: `${relu.name}/part_${i}`, op: 'Relu', input: [input] }));
    for (const part of parts) nodes.set(part.name, part);
    nodes.set(relu.name, { ...concat, name: relu.name, input: [...parts.map((part) => part.name), axis] });
  }
  return { nodes, consts: graph.consts };
}
