import { describe, expect, it } from 'vitest';
import { classesInLabels } from './yolo-dataset.ts';

describe('classesInLabels', () => {
  const names = ['person', 'bicycle', 'car'];

  it('lists each class present once, however many objects it has', () => {
    const text = '0 0.5 0.5 0.2 0.2\n2 0.1 0.1 0.05 0.05\n0 0.7 0.3 0.1 0.4\n';
    expect([...classesInLabels(text, names)]).toEqual(['person', 'car']);
  });

  it('reads an empty file as a background image', () => {
    expect(classesInLabels('\n', names).size).toBe(0);
  });

  it('refuses a class index outside names.txt', () => {
    expect(() => classesInLabels('7 0.5 0.5 0.1 0.1', names, 'a.txt')).toThrow(/a.txt: line 1/);
  });
});
