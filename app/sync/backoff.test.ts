import { describe, expect, it } from 'vitest';
import { BACKOFF_BASE_MS, BACKOFF_CAP_MS, backoffDelay, retryAfterMs } from './backoff.ts';

describe('backoffDelay', () => {
  it('doubles its ceiling per failed attempt up to the cap, and draws below it', () => {
    const highest = (attempts: number) => backoffDelay(attempts, () => 0.999_999);
    expect([1, 2, 3, 4].map(highest)).toEqual([1, 2, 4, 8].map((k) => Math.floor(k * BACKOFF_BASE_MS * 0.999_999)));
    expect(highest(40)).toBe(Math.floor(BACKOFF_CAP_MS * 0.999_999));
    expect(backoffDelay(5, () => 0)).toBe(0);
  });
});

describe('retryAfterMs', () => {
  const now = Date.UTC(2026, 5, 1, 12);

  it('reads seconds and HTTP dates', () => {
    expect(retryAfterMs('30', now)).toBe(30_000);
    expect(retryAfterMs(new Date(now + 90_000).toUTCString(), now)).toBe(90_000);
  });

  it('gives null for a missing or unreadable header and never a negative delay', () => {
    expect(retryAfterMs(null, now)).toBeNull();
    expect(retryAfterMs('soon', now)).toBeNull();
    expect(retryAfterMs(new Date(now - 5_000).toUTCString(), now)).toBe(0);
  });
});
