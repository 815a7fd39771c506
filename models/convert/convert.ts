import { GraphBuilder, storedDims, type Value } from './graph-builder.ts';
import { DataType, type OnnxModel } from './onnx-writer.ts';
import { opMappings } from './ops.ts';
import type { TfGraph, TfNode } from './tfjs-graph.ts';

export interface ConvertOptions {
  graphName: string;
  /** Graph inputs: ONNX name <- TF Placeholder. 4-D inputs are taken as NCHW. */
  inputs: readonly { name: string; from: string }[];
  /** Graph outputs: ONNX name <- TF tensor; only what they need is converted. 4-D default NCHW. */
  outputs: readonly { name: string; from: string; layout?: 'NCHW' | 'NHWC' }[];
}

export const OPSET = 17;
export const IR_VERSION = 8;

/** Splits a TF input reference; control dependencies (`^name`) carry no data. */
function dataInput(reference: string): string | undefined {
  if (reference.startsWith('^')) return undefined;
  const [node, index] = reference.split(':');
  if (index !== undefined && index !== '0') throw new Error(`output ${reference} is not supported (only output 0)`);
  return node;
}

function placeholderShape(node: TfNode): number[] {
  const dims = node.attr?.shape?.shape?.dim?.map((dim) => Number(dim.size)) ?? [];
  if (dims.length === 0 || dims.some((size) => size < 1)) throw new Error(`input ${node.name} needs a static shape`);
  return dims;
}

/** Converts the part of a TF.js graph model that the requested outputs depend on. */
export function convertTfjsGraph(graph: TfGraph, options: ConvertOptions): OnnxModel {
  const builder = new GraphBuilder();
  const values = new Map<string, Value>();
  for (const { name } of [...options.inputs, ...options.outputs]) {
    if (builder.uniqueName(name) !== name) throw new Error(`duplicate graph input/output name ${name}`);
  }
  const inputs = options.inputs.map(({ name, from }) => {
    const node = graph.nodes.get(from);
    if (node?.op !== 'Placeholder') throw new Error(`input ${from} is not a Placeholder`);
    const shape = placeholderShape(node);
    values.set(from, { name, shape, nchw: shape.length === 4 });
    return { name, elemType: DataType.FLOAT, dims: storedDims(values.get(from)!) };
  });

  const visiting = new Set<string>();
  const visit = (name: string): void => {
    if (values.has(name) || graph.consts.has(name)) return;
    const node = graph.nodes.get(name);
    if (!node) throw new Error(`graph has no node ${name}`);
    if (visiting.has(name)) throw new Error(`graph has a cycle through ${name}`);
    visiting.add(name);
    const inputNames = (node.input ?? []).map(dataInput).filter((input) => input !== undefined);
    inputNames.forEach(visit);
    const mapping = opMappings[node.op];
    if (!mapping) throw new Error(`TF op ${node.op} (${node.name}) is not supported`);
    values.set(
      name,
      mapping({
        node,
        builder,
        inputCount: inputNames.length,
        constant: (index) => graph.consts.get(inputNames[index]),
        value: (index) => {
          const value = values.get(inputNames[index]);
          if (!value) throw new Error(`${node.name}: input ${inputNames[index]} must be a tensor, not a constant`);
          return value;
        },
      }),
    );
  };

  const outputs = options.outputs.map(({ name, from, layout = 'NCHW' }) => {
    visit(from);
    const value = builder.layout(values.get(from)!, layout === 'NCHW');
    builder.nodes.push({ opType: 'Identity', name, inputs: [value.name], outputs: [name] });
    return { name, elemType: DataType.FLOAT, dims: storedDims(value) };
  });

  return {
    irVersion: IR_VERSION,
    opset: OPSET,
    producer: 'wanwu-tfjs-converter',
    graph: { name: options.graphName, nodes: builder.nodes, initializers: builder.initializers, inputs, outputs },
  };
}
