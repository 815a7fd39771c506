import { describe, expect, it } from 'vitest';
import { expectParity } from './expect-parity.ts';
import { reluBeforeConcat } from './relu-concat.ts';
import { attr, randomValues, TinyGraph } from './tfjs-reference.ts';

describe('reluBeforeConcat', () => {
  it('moves a Relu after ConcatV2 onto each input, with the same values', async () => {
    const g = new TinyGraph();
    const x = g.placeholder('x', [1, 4, 5, 3]);
    const same = { data_format: attr.str('NHWC'), dilations: attr.ints([1, 1, 1, 1]), strides: attr.ints([1, 1, 1, 1]), padding: attr.str('SAME') };
    const conv = g.op('conv', 'Conv2D', [x, g.floats('w', [3, 3, 3, 2], randomValues(54, 3))], same);
    const shifted = g.op('shifted', 'AddV2', [x, g.floats('shift', [3], [-1, 0.5, 2])]);
    g.op('relu', 'Relu', [g.op('cat', 'ConcatV2', [conv, shifted, g.ints('axis', [-1], [])], { N: attr.int(2) })]);
    const model = await expectParity(g, { name: 'x', shape: [1, 4, 5, 3] }, [{ from: 'relu' }], reluBeforeConcat);

    const producer = new Map(model.graph.nodes.map((node) => [node.outputs[0], node]));
    const concat = model.graph.nodes.find((node) => node.opType === 'Concat')!;
    // The Conv's Relu now follows it directly (onnxruntime fuses that pair); none follows the Concat.
    expect(concat.inputs.map((input) => producer.get(input)?.opType)).toEqual(['Relu', 'Relu']);
    expect(producer.get(producer.get(concat.inputs[0])!.inputs[0])?.opType).toBe('Conv');
    expect(model.graph.nodes.filter((node) => node.inputs.includes(concat.outputs[0])).map((node) => node.opType)).toEqual(['Identity']);
  });
});
