import { describe, expect, it } from 'vitest';
import { formatMegabytes, formatMilliseconds, formatPercent } from './numbers.ts';

describe('formatMegabytes', () => {
  it('shows decimal megabytes with one decimal', () => {
    expect(formatMegabytes(0)).toBe('0.0');
    expect(formatMegabytes(3_141_592)).toBe('3.1');
    expect(formatMegabytes(8_249_999)).toBe('8.2');
  });
});

describe('formatPercent', () => {
  it('rounds to whole percent, and a listed tag never reads 0%', () => {
    expect(formatPercent(0.873)).toBe('87%');
    expect(formatPercent(1)).toBe('100%');
    expect(formatPercent(0.001)).toBe('1%');
  });
});

describe('formatMilliseconds', () => {
  it('keeps a decimal only where it matters', () => {
    expect(formatMilliseconds(123.456)).toBe('123 ms');
    expect(formatMilliseconds(4.26)).toBe('4.3 ms');
  });
});
