import { type GraphBuilder, permute, storedDims, toNchw, type Value } from './graph-builder.ts';
import { HARD_SIGMOID_OP } from './hard-swish.ts';
import { attrBool, attrInts, attrString, attrStrings, type ConstTensor, type TfNode } from './tfjs-graph.ts';

/** What an op mapping sees: its TF node, its converted inputs, and the graph being built. */
export interface OpContext {
  node: TfNode;
  builder: GraphBuilder;
  /** The converted (non-constant) input at position `index`. */
  value(index: number): Value;
  /** The input at `index` when it is a constant, else undefined. */
  constant(index: number): ConstTensor | undefined;
  inputCount: number;
}

type OpMapping = (ctx: OpContext) => Value;

function requireConst(ctx: OpContext, index: number, what: string): ConstTensor {
  const tensor = ctx.constant(index);
  if (!tensor) throw new Error(`${ctx.node.op} ${ctx.node.name}: ${what} must be a constant`);
  return tensor;
}

function ints(tensor: ConstTensor): number[] {
  return Array.from(tensor.data, Number);
}

/** TF SAME padding: the odd pixel goes at the end (bottom/right), unlike a symmetric split. */
export function samePads(input: number, kernel: number, stride: number, dilation: number): [number, number] {
  const output = Math.ceil(input / stride);
  const total = Math.max((output - 1) * stride + (kernel - 1) * dilation + 1 - input, 0);
  return [Math.floor(total / 2), total - Math.floor(total / 2)];
}

/** Conv HWIO -> OIHW; depthwise HWCM -> (C*M) x 1 x H x W, output channel c*M + m as in TF. */
function convWeights(ctx: OpContext, depthwise: boolean): { name: string; outChannels: number } {
  const filter = requireConst(ctx, 1, 'the filter');
  const [kh, kw, inChannels, last] = filter.shape;
  const values = filter.data as Float32Array;
  const key = ctx.node.input![1];
  const outChannels = depthwise ? inChannels * last : last;
  const name = depthwise
    ? ctx.builder.weight(`${key}/depthwise`, filter, [outChannels, 1, kh, kw], permute(values, filter.shape, [2, 3, 0, 1]))
    : ctx.builder.weight(`${key}/oihw`, filter, [outChannels, inChannels, kh, kw], permute(values, filter.shape, [3, 2, 0, 1]));
  return { name, outChannels };
}

function conv(ctx: OpContext, depthwise: boolean): Value {
  const { node, builder } = ctx;
  if (attrString(node, 'data_format', 'NHWC') !== 'NHWC') throw new Error(`${node.name}: only NHWC is supported`);
  const padding = attrString(node, 'padding');
  if (padding !== 'SAME' && padding !== 'VALID') throw new Error(`${node.name}: padding ${padding} is not supported`);
  const input = builder.layout(ctx.value(0), true);
  const [n, h, w, inChannels] = input.shape;
  const [kh, kw] = requireConst(ctx, 1, 'the filter').shape;
  const [, sh, sw] = attrInts(node, 'strides', [1, 1, 1, 1]);
  const [, dh, dw] = attrInts(node, 'dilations', [1, 1, 1, 1]);
  const [top, bottom] = padding === 'SAME' ? samePads(h, kh, sh, dh) : [0, 0];
  const [left, right] = padding === 'SAME' ? samePads(w, kw, sw, dw) : [0, 0];

  const weights = convWeights(ctx, depthwise);
  const fused = attrStrings(node, 'fused_ops');
  const inputs = [input.name, weights.name];
  if (fused[0] === 'BiasAdd') {
    inputs.push(builder.weight(node.input![2], requireConst(ctx, 2, 'the bias'), [weights.outChannels]));
  } else if (fused.length > 0) {
    throw new Error(`${node.name}: fused ${fused[0]} is not supported`);
  }
  const activation = fused[1];
  const convName = builder.node('Conv', inputs, activation ? `${node.name}/conv` : node.name, [
    { name: 'kernel_shape', kind: 'ints', value: [kh, kw] },
    { name: 'strides', kind: 'ints', value: [sh, sw] },
    { name: 'dilations', kind: 'ints', value: [dh, dw] },
    { name: 'pads', kind: 'ints', value: [top, left, bottom, right] },
    { name: 'group', kind: 'int', value: depthwise ? inChannels : 1 },
  ]);
  const outSize = (size: number, k: number, stride: number, dilation: number, pads: number) =>
    Math.floor((size + pads - (k - 1) * dilation - 1) / stride) + 1;
  const shape = [n, outSize(h, kh, sh, dh, top + bottom), outSize(w, kw, sw, dw, left + right), weights.outChannels];
  return { name: fusedActivation(builder, activation, convName, node.name), shape, nchw: true };
}

function fusedActivation(builder: GraphBuilder, activation: string | undefined, input: string, output: string): string {
  if (activation === undefined) return input;
  if (activation === 'Relu') return builder.node('Relu', [input], output);
  if (activation === 'Relu6') return relu6(builder, input, output);
  throw new Error(`${output}: fused ${activation} is not supported`);
}

function relu6(builder: GraphBuilder, input: string, output: string): string {
  return builder.node('Clip', [input, builder.scalar(0), builder.scalar(6)], output);
}

function broadcastShape(a: readonly number[], b: readonly number[]): number[] {
  const rank = Math.max(a.length, b.length);
  return Array.from({ length: rank }, (_, i) => {
    const x = a[a.length - rank + i] ?? 1;
    const y = b[b.length - rank + i] ?? 1;
    return x === 1 ? y : x;
  });
}

/** Elementwise ops broadcast in NHWC; constants are re-laid out to broadcast against NCHW tensors. */
function elementwise(opType: string): OpMapping {
  return (ctx) => {
    const { node, builder } = ctx;
    const indices = Array.from({ length: ctx.inputCount }, (_, i) => i);
    const values = indices.map((i) => (ctx.constant(i) ? undefined : ctx.value(i)));
    const nchw = values.some((value) => value?.shape.length === 4 && value.nchw);
    const shapes = indices.map((i) => values[i]?.shape ?? ctx.constant(i)!.shape);
    const names = indices.map((i) => {
      const value = values[i];
      if (value) {
        if (nchw && value.shape.length !== 4) throw new Error(`${node.name}: cannot broadcast rank ${value.shape.length} against NCHW`);
        return builder.layout(value, nchw).name;
      }
      return constOperand(builder, node.input![i], ctx.constant(i)!, nchw);
    });
    const shape = shapes.reduce(broadcastShape);
    return { name: builder.node(opType, names, node.name), shape, nchw: nchw && shape.length === 4 };
  };
}

function constOperand(builder: GraphBuilder, key: string, tensor: ConstTensor, nchw: boolean): string {
  if (tensor.dtype !== 'float32') throw new Error(`${key}: integer operands are not supported`);
  if (!nchw || tensor.shape.length === 0) return builder.weight(key, tensor, tensor.shape);
  const shape4 = [...new Array<number>(4 - tensor.shape.length).fill(1), ...tensor.shape];
  const dims = toNchw.map((axis) => shape4[axis]);
  return builder.weight(`${key}/nchw`, tensor, dims, permute(tensor.data as Float32Array, shape4, toNchw));
}

function unary(opType: string): OpMapping {
  return (ctx) => {
    const input = ctx.value(0);
    return { ...input, name: ctx.builder.node(opType, [input.name], ctx.node.name) };
  };
}

/**
 * onnxruntime fuses a Sigmoid that follows a Conv into it, and in its WASM build the fused logistic
 * takes twice as long as a Sigmoid node of its own (CenterNet's 80x128x128 heatmap: 2.6 ms against
 * 1.3 ms). A Reshape to the same shape, which only aliases the buffer, keeps the two apart.
 */
function sigmoid(ctx: OpContext): Value {
  const { builder, node } = ctx;
  const input = ctx.value(0);
  const apart = builder.node('Reshape', [input.name, builder.int64Const(storedDims(input))], `${node.name}/unfused`);
  return { ...input, name: builder.node('Sigmoid', [apart], node.name) };
}

/** The converter's own op from `fuseHardSwish` (TF has no HardSigmoid): ONNX HardSigmoid. */
function hardSigmoid(ctx: OpContext): Value {
  const input = ctx.value(0);
  const alpha = ctx.node.attr?.alpha?.f;
  const beta = ctx.node.attr?.beta?.f;
  if (alpha === undefined || beta === undefined) throw new Error(`${ctx.node.name}: alpha and beta are required`);
  const name = ctx.builder.node('HardSigmoid', [input.name], ctx.node.name, [
    { name: 'alpha', kind: 'float', value: alpha },
    { name: 'beta', kind: 'float', value: beta },
  ]);
  return { ...input, name };
}

/** Mean or Max over H and W: ONNX's global pooling (`onnxOp`), flattened unless keep_dims. */
function globalPool(onnxOp: 'GlobalAveragePool' | 'GlobalMaxPool'): OpMapping {
  return (ctx) => {
    const { node, builder } = ctx;
    const axes = ints(requireConst(ctx, 1, 'the axes')).sort();
    const input = ctx.value(0);
    if (input.shape.length !== 4 || axes.join() !== '1,2') throw new Error(`${node.name}: only ${node.op} over H and W is supported`);
    const [n, , , c] = input.shape;
    const keepDims = attrBool(node, 'keep_dims');
    const pooled = builder.node(onnxOp, [builder.layout(input, true).name], keepDims ? node.name : `${node.name}/pool`);
    if (keepDims) return { name: pooled, shape: [n, 1, 1, c], nchw: true };
    return { name: builder.node('Flatten', [pooled], node.name, [{ name: 'axis', kind: 'int', value: 1 }]), shape: [n, c], nchw: false };
  };
}

function resizeBilinear(ctx: OpContext): Value {
  const { node, builder } = ctx;
  const input = builder.layout(ctx.value(0), true);
  const [height, width] = ints(requireConst(ctx, 1, 'the size'));
  const [n, , , c] = input.shape;
  // TF: align_corners maps corner to corner, half_pixel_centers samples at pixel centres, else x_out * scale.
  const mode = attrBool(node, 'align_corners') ? 'align_corners' : attrBool(node, 'half_pixel_centers') ? 'half_pixel' : 'asymmetric';
  const name = builder.node('Resize', [input.name, '', '', builder.int64Const([n, c, height, width])], node.name, [
    { name: 'mode', kind: 'string', value: 'linear' },
    { name: 'coordinate_transformation_mode', kind: 'string', value: mode },
  ]);
  return { name, shape: [n, height, width, c], nchw: true };
}

function concat(ctx: OpContext): Value {
  const { node, builder } = ctx;
  const last = ctx.inputCount - 1;
  const values = Array.from({ length: last }, (_, i) => ctx.value(i));
  const rank = values[0].shape.length;
  const axis = (ints(requireConst(ctx, last, 'the axis'))[0] + rank) % rank;
  const nchw = rank === 4 && values.some((value) => value.nchw);
  const names = values.map((value) => builder.layout(value, nchw).name);
  const shape = [...values[0].shape];
  shape[axis] = values.reduce((sum, value) => sum + value.shape[axis], 0);
  const storedAxis = nchw ? toNchw.indexOf(axis as 0 | 1 | 2 | 3) : axis;
  return { name: builder.node('Concat', names, node.name, [{ name: 'axis', kind: 'int', value: storedAxis }]), shape, nchw };
}

/** Reshape works on TF's element order, so an NCHW input is transposed back first. */
function reshape(ctx: OpContext): Value {
  const { node, builder } = ctx;
  const input = builder.layout(ctx.value(0), false);
  const target = ints(requireConst(ctx, 1, 'the shape'));
  const count = input.shape.reduce((a, b) => a * b, 1);
  const known = target.reduce((a, b) => (b === -1 ? a : a * b), 1);
  const shape = target.map((size) => (size === -1 ? count / known : size));
  return { name: builder.node('Reshape', [input.name, builder.int64Const(shape)], node.name), shape, nchw: false };
}

export const opMappings: Record<string, OpMapping> = {
  Conv2D: (ctx) => conv(ctx, false),
  _FusedConv2D: (ctx) => conv(ctx, false),
  DepthwiseConv2dNative: (ctx) => conv(ctx, true),
  FusedDepthwiseConv2dNative: (ctx) => conv(ctx, true),
  Add: elementwise('Add'),
  AddV2: elementwise('Add'),
  Sub: elementwise('Sub'),
  Mul: elementwise('Mul'),
  Relu: unary('Relu'),
  Relu6: (ctx) => ({ ...ctx.value(0), name: relu6(ctx.builder, ctx.value(0).name, ctx.node.name) }),
  Sigmoid: sigmoid,
  [HARD_SIGMOID_OP]: hardSigmoid,
  Identity: (ctx) => ctx.value(0),
  Mean: globalPool('GlobalAveragePool'),
  Max: globalPool('GlobalMaxPool'),
  ResizeBilinear: resizeBilinear,
  ConcatV2: concat,
  Reshape: reshape,
};
