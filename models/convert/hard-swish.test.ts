import { describe, expect, it } from 'vitest';
import { expectParity } from './expect-parity.ts';
import { fuseHardSwish } from './hard-swish.ts';
import type { OnnxModel } from './onnx-writer.ts';
import { attr, randomValues, TinyGraph } from './tfjs-reference.ts';

const opTypes = (model: OnnxModel) => model.graph.nodes.map((node) => node.opType).filter((op) => op !== 'Cast');

/** `(c * y) * relu6(x + 3)` after a BiasAdd convolution, as MobileNetV3 is exported (c = 1/6 in float16). */
function writtenOut(sameInput: boolean) {
  const g = new TinyGraph();
  const x = g.placeholder('x', [1, 6, 5, 3]);
  const convolve = (name: string, seed: number) =>
    g.op(name, '_FusedConv2D', [x, g.floats(`${name}/w`, [1, 1, 3, 4], randomValues(12, seed)), g.floats(`${name}/b`, [4], randomValues(4, seed + 1))], {
      data_format: attr.str('NHWC'),
      strides: attr.ints([1, 1, 1, 1]),
      padding: attr.str('VALID'),
      fused_ops: attr.strs(['BiasAdd']),
      num_args: attr.int(1),
    });
  const conv = convolve('conv', 11);
  const scaled = g.op('hs/mul', 'Mul', [g.floats('hs/sixth', [], [1 / 6]), sameInput ? conv : convolve('other', 21)]);
  const relu6 = g.op('hs/relu6', 'Relu6', [g.op('hs/add', 'AddV2', [conv, g.floats('hs/three', [], [3])])]);
  g.op('hs/out', 'Mul', [scaled, relu6]);
  return g;
}

describe('fuseHardSwish', () => {
  it('leaves one HardSigmoid and two Muls with TF.js values, saturation (6c, not 1) included', async () => {
    // Inputs in [-4, 4) through a 3-channel conv reach well past +-3: every branch of relu6 is hit.
    const model = await expectParity(writtenOut(true), { name: 'x', shape: [1, 6, 5, 3] }, [{ from: 'hs/out' }], fuseHardSwish);
    // The Mul by 6c directly after the Conv is what onnxruntime folds into the Conv's weights.
    expect(opTypes(model)).toEqual(['Conv', 'Mul', 'HardSigmoid', 'Mul', 'Identity']);
  });

  it('leaves lookalikes alone: c times a different tensor is not hard-swish', async () => {
    const model = await expectParity(writtenOut(false), { name: 'x', shape: [1, 6, 5, 3] }, [{ from: 'hs/out' }], fuseHardSwish);
    expect(opTypes(model)).not.toContain('HardSigmoid');
    expect(opTypes(model)).toContain('Clip');
  });
});
