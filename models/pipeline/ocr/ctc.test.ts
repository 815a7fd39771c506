import { describe, expect, it } from 'vitest';
import { ctcClasses, ctcDecode } from './ctc.ts';

const classes = ctcClasses('你\n好\na\n');

/** One row of probabilities per time step: `best` gets `p`, the rest share what is left. */
function steps(rows: [best: number, p: number][]): Float32Array {
  const data = new Float32Array(rows.length * classes.length);
  rows.forEach(([best, p], t) => {
    for (let c = 0; c < classes.length; c++) data[t * classes.length + c] = c === best ? p : (1 - p) / (classes.length - 1);
  });
  return data;
}

describe('ctcClasses', () => {
  it('puts the blank first and the space last around the dictionary', () => {
    expect(classes).toEqual(['', '你', '好', 'a', ' ']);
    expect(ctcClasses('x\r\ny')).toEqual(['', 'x', 'y', ' ']);
  });
});

describe('ctcDecode', () => {
  it('collapses repeats, drops blanks and keeps a letter repeated across a blank', () => {
    const { text, score } = ctcDecode(steps([[1, 0.9], [1, 0.8], [0, 0.99], [2, 0.7], [0, 0.9], [2, 0.6], [4, 0.9], [3, 0.5]]), 8, classes);
    expect(text).toBe('你好好 a');
    // Mean over the kept characters (first of each run): 0.9, 0.7, 0.6, 0.9, 0.5.
    expect(score).toBeCloseTo(0.72);
  });

  it('reads one line of a batch by its offset', () => {
    const batch = new Float32Array([...steps([[1, 0.9], [0, 0.9]]), ...steps([[3, 0.8], [3, 0.8]])]);
    expect(ctcDecode(batch, 2, classes, 2 * classes.length)).toEqual({ text: 'a', score: expect.closeTo(0.8, 6) });
  });

  it('scores an all-blank line 0', () => {
    expect(ctcDecode(steps([[0, 0.99], [0, 0.99]]), 2, classes)).toEqual({ text: '', score: 0 });
  });
});
