import { describe, expect, it } from 'vitest';
import { convertTfjsGraph } from './convert.ts';
import { expectParity } from './expect-parity.ts';
import { encodeModel, type OnnxModel, type OnnxNode } from './onnx-writer.ts';
import { samePads } from './ops.ts';
import { runOnnx } from './ort-run.ts';
import { attr, randomValues, TinyGraph } from './tfjs-reference.ts';
import { parseTfjsGraph } from './tfjs-graph.ts';

const nodesOf = (model: OnnxModel, opType: string): OnnxNode[] => model.graph.nodes.filter((node) => node.opType === opType);
const attribute = (node: OnnxNode, name: string) => node.attributes?.find((a) => a.name === name)?.value;

const conv = { data_format: attr.str('NHWC'), dilations: attr.ints([1, 1, 1, 1]) };

describe('TF.js -> ONNX op mapping, checked against TF.js', () => {
  it('SAME padding puts the odd pixel at the end, as TF does', async () => {
    expect(samePads(8, 3, 2, 1)).toEqual([0, 1]);
    expect(samePads(512, 3, 2, 1)).toEqual([0, 1]);
    expect(samePads(7, 3, 2, 1)).toEqual([1, 1]);
    const g = new TinyGraph();
    const x = g.placeholder('x', [1, 8, 8, 3]);
    const w = g.floats('w', [3, 3, 3, 4], randomValues(108, 1));
    g.op('conv', 'Conv2D', [x, w], { ...conv, strides: attr.ints([1, 2, 2, 1]), padding: attr.str('SAME') });
    const model = await expectParity(g, { name: 'x', shape: [1, 8, 8, 3] }, [{ from: 'conv' }]);
    expect(attribute(nodesOf(model, 'Conv')[0], 'pads')).toEqual([0, 0, 1, 1]);
  });

  it('fused convolutions keep their bias and activation (VALID, BiasAdd + Relu)', async () => {
    const g = new TinyGraph();
    const x = g.placeholder('x', [1, 7, 6, 3]);
    const w = g.floats('w', [3, 2, 3, 5], randomValues(90, 2));
    const b = g.floats('b', [5], randomValues(5, 3));
    g.op('conv', '_FusedConv2D', [x, w, b], {
      ...conv,
      strides: attr.ints([1, 1, 1, 1]),
      padding: attr.str('VALID'),
      fused_ops: attr.strs(['BiasAdd', 'Relu']),
      num_args: attr.int(1),
    });
    await expectParity(g, { name: 'x', shape: [1, 7, 6, 3] }, [{ from: 'conv', layout: 'NHWC' }]);
  });

  it('a depthwise convolution becomes a grouped Conv (multiplier 2, stride 2, BiasAdd + Relu6)', async () => {
    const g = new TinyGraph();
    const x = g.placeholder('x', [1, 9, 8, 3]);
    const w = g.floats('w', [5, 5, 3, 2], randomValues(150, 4));
    const b = g.floats('b', [6], randomValues(6, 5));
    g.op('dw', 'FusedDepthwiseConv2dNative', [x, w, b], {
      ...conv,
      strides: attr.ints([1, 2, 2, 1]),
      padding: attr.str('SAME'),
      fused_ops: attr.strs(['BiasAdd', 'Relu6']),
      num_args: attr.int(1),
    });
    const model = await expectParity(g, { name: 'x', shape: [1, 9, 8, 3] }, [{ from: 'dw' }]);
    const node = nodesOf(model, 'Conv')[0];
    expect(attribute(node, 'group')).toBe(3);
    const weights = model.graph.initializers.find((init) => init.name === `${node.inputs[1]}_f16`);
    expect(weights?.dims).toEqual([6, 1, 5, 5]);
  });

  it('ResizeBilinear without align_corners or half-pixel centres is ONNX linear "asymmetric"', async () => {
    const g = new TinyGraph();
    const x = g.placeholder('x', [1, 1, 2, 1]);
    const modes = { align_corners: attr.bool(false), half_pixel_centers: attr.bool(false) };
    g.op('up', 'ResizeBilinear', [x, g.ints('size', [1, 4])], modes);
    const model = await expectParity(g, { name: 'x', shape: [1, 1, 2, 1] }, [{ from: 'up' }]);
    expect(attribute(nodesOf(model, 'Resize')[0], 'coordinate_transformation_mode')).toBe('asymmetric');
    // By hand: output x samples input x * 2/4, clamped at the last pixel.
    const { out0 } = await runOnnx(encodeModel(model), { x: { data: Float32Array.of(0, 10), dims: [1, 1, 1, 2] } });
    expect(Array.from(out0.data)).toEqual([0, 5, 10, 10]);
  });

  it.each([
    ['asymmetric', false, false],
    ['align_corners', true, false],
    ['half_pixel', false, true],
  ])('ResizeBilinear matches TF.js in %s mode', async (_mode, alignCorners, halfPixel) => {
    const g = new TinyGraph();
    const x = g.placeholder('x', [1, 3, 5, 2]);
    g.op('up', 'ResizeBilinear', [x, g.ints('size', [7, 10])], {
      align_corners: attr.bool(alignCorners),
      half_pixel_centers: attr.bool(halfPixel),
    });
    await expectParity(g, { name: 'x', shape: [1, 3, 5, 2] }, [{ from: 'up' }]);
  });

  it('layout tracking: Reshape sees NHWC order, Concat mixes layouts, each Transpose made once', async () => {
    const g = new TinyGraph();
    const x = g.placeholder('x', [1, 4, 6, 3]);
    const same = { ...conv, strides: attr.ints([1, 1, 1, 1]), padding: attr.str('SAME') };
    const a = g.op('a', 'Conv2D', [x, g.floats('wa', [1, 1, 3, 8], randomValues(24, 6))], same);
    g.op('flat', 'Reshape', [a, g.ints('flat/shape', [1, -1])]);
    const r = g.op('r', 'Reshape', [a, g.ints('r/shape', [1, 6, 4, 8])]);
    const d = g.op('d', 'DepthwiseConv2dNative', [r, g.floats('wd', [3, 3, 8, 1], randomValues(72, 7))], same);
    const cat = g.op('cat', 'ConcatV2', [r, d, g.ints('axis', [-1], [])], { N: attr.int(2) });
    g.op('scaled', 'Mul', [cat, g.floats('gamma', [16], randomValues(16, 8))]);
    const model = await expectParity(g, { name: 'x', shape: [1, 4, 6, 3] }, [
      { from: 'flat' },
      { from: 'scaled' },
      { from: 'r', layout: 'NHWC' },
    ]);
    // a -> NHWC for both Reshapes, r -> NCHW for both the depthwise conv and the Concat.
    expect(nodesOf(model, 'Transpose')).toHaveLength(2);
    expect(attribute(nodesOf(model, 'Concat')[0], 'axis')).toBe(1);
  });

  it('hard-swish, squeeze-excite and a mean ‖ max pooled embedding keep TF semantics', async () => {
    const g = new TinyGraph();
    const x = g.placeholder('x', [1, 6, 6, 4]);
    const h = g.op('h', 'Mul', [g.floats('sixth', [], [1 / 6]), x]);
    const relu6 = g.op('relu6', 'Relu6', [g.op('plus3', 'AddV2', [x, g.floats('three', [], [3])])]);
    const swish = g.op('swish', 'Mul', [h, relu6]);
    const pooled = g.op('se/mean', 'Mean', [swish, g.ints('axes', [1, 2])], { keep_dims: attr.bool(true) });
    const gate = g.op('se/gate', 'Sigmoid', [g.op('se/relu', 'Relu', [pooled])]);
    const excited = g.op('excited', 'Sub', [g.op('se/mul', 'Mul', [swish, gate]), g.floats('shift', [4], [0.5, -1, 2, 0])]);
    const axes = g.ints('axes2', [1, 2]);
    const average = g.op('embedding/mean', 'Mean', [excited, axes], { keep_dims: attr.bool(false) });
    const max = g.op('embedding/max', 'Max', [excited, axes], { keep_dims: attr.bool(false) });
    g.op('embedding', 'ConcatV2', [average, max, g.ints('axis1', [1], [])], { N: attr.int(2) });
    const model = await expectParity(g, { name: 'x', shape: [1, 6, 6, 4] }, [{ from: 'excited' }, { from: 'embedding' }]);
    expect(model.graph.outputs[1].dims).toEqual([1, 8]);
    expect(nodesOf(model, 'GlobalAveragePool')).toHaveLength(2);
    expect(nodesOf(model, 'GlobalMaxPool')).toHaveLength(1);
  });

  it('a Sigmoid after a convolution stays a node of its own (a same-shape Reshape between them)', async () => {
    const g = new TinyGraph();
    const x = g.placeholder('x', [1, 5, 4, 3]);
    const valid = { ...conv, strides: attr.ints([1, 1, 1, 1]), padding: attr.str('VALID') };
    g.op('heat', 'Sigmoid', [g.op('logits', 'Conv2D', [x, g.floats('w', [1, 1, 3, 6], randomValues(18, 9))], valid)]);
    const model = await expectParity(g, { name: 'x', shape: [1, 5, 4, 3] }, [{ from: 'heat' }]);
    const sigmoid = nodesOf(model, 'Sigmoid')[0];
    const reshape = nodesOf(model, 'Reshape')[0];
    expect(sigmoid.inputs).toEqual(reshape.outputs);
    expect(reshape.inputs[0]).toBe(nodesOf(model, 'Conv')[0].outputs[0]);
  });

  it('converts only what the outputs need, and every initializer is used', () => {
    const g = new TinyGraph();
    const x = g.placeholder('x', [1, 4, 4, 2]);
    const kept = g.op('kept', 'Mul', [x, g.floats('k', [2], [1, 2])]);
    g.op('dead', 'TopKV2', [g.op('dead/mul', 'Mul', [kept, g.floats('unused', [2], [3, 4])]), g.ints('k2', [3], [])]);
    const { json, weightData } = g.model();
    const graph = parseTfjsGraph(json, weightData);
    const options = { graphName: 't', inputs: [{ name: 'x', from: 'x' }] };
    const model = convertTfjsGraph(graph, { ...options, outputs: [{ name: 'y', from: 'kept' }] });
    const consumed = new Set(model.graph.nodes.flatMap((node) => node.inputs));
    expect(model.graph.initializers.map((init) => init.name).filter((name) => !consumed.has(name))).toEqual([]);
    expect(model.graph.initializers.some((init) => init.name.startsWith('unused'))).toBe(false);
    expect(() => convertTfjsGraph(graph, { ...options, outputs: [{ name: 'y', from: 'dead' }] })).toThrow(/TopKV2/);
  });
});
