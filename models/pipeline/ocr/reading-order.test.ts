import { describe, expect, it } from 'vitest';
import type { Quad } from './quad.ts';
import { readingOrder } from './reading-order.ts';

const box = (name: string, x: number, y: number, w: number, h: number) => ({
  name,
  quad: [[x, y], [x + w, y], [x + w, y + h], [x, y + h]] as Quad,
});
const names = (items: { name: string }[]) => items.map((item) => item.name).join(' ');

describe('readingOrder', () => {
  it('reads rows top to bottom and each row left to right, tolerating uneven baselines', () => {
    const items = [box('d', 10, 60, 50, 20), box('b', 120, 14, 40, 20), box('a', 10, 10, 80, 20), box('c', 200, 8, 30, 20)];
    expect(names(readingOrder(items, (item) => item.quad))).toBe('a b c d');
  });

  it('keeps slanted rows apart although their upright bounding boxes overlap', () => {
    // Two lines of a sign photographed at an angle, rising 0.24 to the right; the lower one starts further left.
    const slanted = (name: string, x: number, y: number, w: number, h: number) => ({
      name,
      quad: [[x, y], [x + w, y - 0.24 * w], [x + w + 0.24 * h, y - 0.24 * w + h], [x + 0.24 * h, y + h]] as Quad,
    });
    const items = [slanted('24H 专业健身', 105, 91, 370, 36), slanted('轻运动健身', 146, 30, 218, 39), slanted('027-88852022', 175, 134, 246, 34)];
    expect(names(readingOrder(items, (item) => item.quad))).toBe('轻运动健身 24H 专业健身 027-88852022');
  });

  it('reads vertical columns right to left, each top to bottom', () => {
    const items = [box('c', 10, 0, 20, 100), box('a', 100, 0, 20, 100), box('b', 55, 0, 20, 100), box('a2', 102, 110, 18, 60)];
    expect(names(readingOrder(items, (item) => item.quad))).toBe('a a2 b c');
  });
});
