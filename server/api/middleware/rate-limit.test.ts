import { describe, expect, it } from 'vitest';
import { createRateLimiter } from './rate-limit.ts';

describe('createRateLimiter', () => {
  it('allows a burst of half a minute\'s rate, then one request per refill, per key', () => {
    let now = 0;
    const limiter = createRateLimiter(60, () => now);
    const burst = Array.from({ length: 31 }, () => limiter.take('a'));
    expect(burst.slice(0, 30)).toEqual(Array(30).fill(0));
    expect(burst[30]).toBe(1);
    expect(limiter.take('b')).toBe(0);
    now += 1000;
    expect(limiter.take('a')).toBe(0);
    expect(limiter.take('a')).toBe(1);
  });

  it('tells how long a key would wait without taking from its bucket', () => {
    let now = 0;
    const limiter = createRateLimiter(2, () => now);
    expect(limiter.wait('a')).toBe(0);
    expect(limiter.wait('a')).toBe(0);
    expect(limiter.take('a')).toBe(0);
    expect(limiter.wait('a')).toBe(30);
    now += 30_000;
    expect(limiter.wait('a')).toBe(0);
  });

  it('says how long to wait when the rate is slow', () => {
    let now = 0;
    const limiter = createRateLimiter(2, () => now);
    expect(limiter.take('a')).toBe(0);
    expect(limiter.take('a')).toBe(30);
    now += 20_000;
    expect(limiter.take('a')).toBe(10);
    now += 10_000;
    expect(limiter.take('a')).toBe(0);
  });

  it('forgets idle clients without letting a busy one off', () => {
    let now = 0;
    const limiter = createRateLimiter(2, () => now);
    expect(limiter.take('busy')).toBe(0);
    for (let i = 0; i < 10_001; i++) limiter.take(`idle-${i}`);
    now += 1000;
    limiter.take('sweeper');
    expect(limiter.take('busy')).toBeGreaterThan(0);
  });
});
