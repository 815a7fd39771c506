import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createUuidV7 } from './uuid.ts';

describe('createUuidV7', () => {
  it('makes valid version-7 UUIDs that carry their millisecond', () => {
    const id = createUuidV7()(Date.UTC(2026, 0, 2, 3, 4, 5, 6));
    expect(z.uuid().safeParse(id).success).toBe(true);
    expect(id[14]).toBe('7');
    expect('89ab').toContain(id[19]);
    expect(parseInt(id.replaceAll('-', '').slice(0, 12), 16)).toBe(Date.UTC(2026, 0, 2, 3, 4, 5, 6));
  });

  it('sorts in creation order within one millisecond and when the clock steps back', () => {
    const next = createUuidV7();
    const times = [5_000, 5_000, 5_000, 4_000, 5_000, 6_000, 6_000];
    const ids = [...Array(5_000).keys()].map((i) => next(times[i % times.length] + Math.floor(i / times.length)));
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
