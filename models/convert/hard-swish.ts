import type { TfGraph, TfNode } from './tfjs-graph.ts';

/**
 * MobileNetV3 exported to TF.js spells hard-swish out as `(c * x) * relu6(x + 3)` with c = 1/6
 * rounded to float16: four elementwise passes over the largest feature maps. The same function is
 *
 *   x' = x * 6c,   y = x' * HardSigmoid(x', alpha = 1 / (36c), beta = 1/2)
 *
 * and onnxruntime folds the constant `* 6c` into the convolution that produces x, leaving two
 * passes. Spelling it as ONNX HardSwish instead would saturate at x rather than 6c * x
 * (7e-4 relative on the heatmap, over the parity bound).
 */
export const HARD_SIGMOID_OP = 'wanwu.HardSigmoid';

function scalar(graph: TfGraph, name: string): number | undefined {
  const tensor = graph.consts.get(name);
  return tensor?.dtype === 'float32' && tensor.data.length === 1 ? tensor.data[0] : undefined;
}

/** The x of `relu6(x + 3)`, when `name` is such a Relu6. */
function plusThree(graph: TfGraph, name: string): string | undefined {
  const relu6 = graph.nodes.get(name);
  if (relu6?.op !== 'Relu6') return undefined;
  const add = graph.nodes.get(relu6.input?.[0] ?? '');
  if ((add?.op !== 'Add' && add?.op !== 'AddV2') || add.input?.length !== 2) return undefined;
  const [a, b] = add.input;
  if (scalar(graph, b) === 3) return a;
  if (scalar(graph, a) === 3) return b;
  return undefined;
}

/** `(c * x) * relu6(x + 3)`: one operand is `c * x`, the other `relu6(x + 3)` of the same x. */
function hardSwish(mul: TfNode, graph: TfGraph): { x: string; c: number } | undefined {
  if (mul.op !== 'Mul' || mul.input?.length !== 2) return undefined;
  for (const [scaled, relu6] of [mul.input, [...mul.input].reverse()]) {
    const x = plusThree(graph, relu6);
    const inner = graph.nodes.get(scaled);
    if (x === undefined || inner?.op !== 'Mul' || !inner.input?.includes(x)) continue;
    const c = scalar(graph, inner.input.find((input) => input !== x) ?? '');
    if (c !== undefined) return { x, c };
  }
  return undefined;
}

/** The graph with every written-out hard-swish replaced; nodes and constants are otherwise shared. */
export function fuseHardSwish(graph: TfGraph): TfGraph {
  const nodes = new Map(graph.nodes);
  const consts = new Map(graph.consts);
  for (const node of graph.nodes.values()) {
    const match = hardSwish(node, graph);
    if (!match) continue;
    const { x, c } = match;
    const [scale, scaled, gate] = ['scale', 'scaled', 'gate'].map((part) => `${node.name}/${part}`);
    consts.set(scale, { dtype: 'float32', shape: [], data: Float32Array.of(6 * c), storedAsFloat16: false });
    nodes.set(scaled, { name: scaled, op: 'Mul', input: [x, scale] });
    nodes.set(gate, { name: gate, op: HARD_SIGMOID_OP, input: [scaled], attr: { alpha: { f: 1 / (36 * c) }, beta: { f: 0.5 } } });
    nodes.set(node.name, { name: node.name, op: 'Mul', input: [scaled, gate] });
  }
  return { nodes, consts };
}
