import { describe, expect, it } from 'vitest';
import { HELD_OUT_SHARE, splitOf } from './split.ts';

describe('splitOf', () => {
  it('holds out about a fifth of photos, the same ones every time', () => {
    const ids = Array.from({ length: 5000 }, (_, i) => `photo-${i}`);
    const heldOut = ids.filter((id) => splitOf(id) === 'heldOut');
    expect(heldOut.length / ids.length).toBeGreaterThan(HELD_OUT_SHARE - 0.02);
    expect(heldOut.length / ids.length).toBeLessThan(HELD_OUT_SHARE + 0.02);
    expect(ids.filter((id) => splitOf(id) === 'heldOut')).toEqual(heldOut);
  });
});
