import { describe, expect, it } from 'vitest';
import { rowWindow } from './virtual-list.ts';

const list = { rowHeight: 100, height: 450, overscan: 2 };

describe('rowWindow', () => {
  it('renders the rows on screen plus the overscan below at the top of the list', () => {
    expect(rowWindow({ ...list, scrollTop: 0, count: 5000 })).toEqual({ start: 0, end: 7, offset: 0, total: 500_000 });
  });

  it('renders only the window around the scroll position in the middle of a long list', () => {
    // Pixels 3050–3500 are on screen: rows 30 (its lower half) to 34, and two more each side.
    expect(rowWindow({ ...list, scrollTop: 3050, count: 5000 })).toEqual({ start: 28, end: 37, offset: 2800, total: 500_000 });
  });

  it('stops at the last row', () => {
    const window = rowWindow({ ...list, scrollTop: 499_550, count: 5000 });
    expect(window.end).toBe(5000);
    expect(window.start).toBe(4993);
  });

  it('shows the last screenful when the list got shorter than the scroll position', () => {
    expect(rowWindow({ ...list, scrollTop: 9000, count: 10 })).toEqual({ start: 3, end: 10, offset: 300, total: 1000 });
  });

  it('renders every row of a list shorter than the screen, and nothing of an empty one', () => {
    expect(rowWindow({ ...list, scrollTop: 0, count: 3 })).toMatchObject({ start: 0, end: 3, total: 300 });
    expect(rowWindow({ ...list, scrollTop: 0, count: 0 })).toEqual({ start: 0, end: 0, offset: 0, total: 0 });
  });

  it('still renders a first row before the element has been measured', () => {
    expect(rowWindow({ ...list, height: 0, scrollTop: 0, count: 50 })).toMatchObject({ start: 0, end: 3 });
  });
});
