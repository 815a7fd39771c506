import type { MiddlewareHandler } from 'hono';
import { ApiError } from '../../api-error.ts';
import type { ApiEnv } from '../api-env.ts';

/**
 * Token buckets in memory, one per key: `perMinute` tokens refill evenly, a bucket holds at most
 * half a minute's worth, each request takes one. Memory stays bounded: full buckets are
 * forgotten, since a fresh bucket is full too.
 */
export interface RateLimiter {
  /** Takes a token for `key`: 0 when allowed, else the whole seconds to wait before one is there. */
  take(key: string): number;
  /** What `take` would answer, without taking. */
  wait(key: string): number;
}

/** Past this many buckets, a take also sweeps out the full ones. */
const SWEEP_ABOVE = 10_000;

export function createRateLimiter(perMinute: number, now: () => number = Date.now): RateLimiter {
  const capacity = Math.max(1, Math.floor(perMinute / 2));
  const perMs = perMinute / 60_000;
  const buckets = new Map<string, { tokens: number; at: number }>();
  const level = (bucket: { tokens: number; at: number }, t: number) => Math.min(capacity, bucket.tokens + (t - bucket.at) * perMs);
  const tokensOf = (key: string, t: number) => {
    const bucket = buckets.get(key);
    return bucket ? level(bucket, t) : capacity;
  };
  const secondsUntilOne = (tokens: number) => (tokens < 1 ? Math.ceil((1 - tokens) / perMs / 1000) : 0);

  return {
    take(key) {
      const t = now();
      if (buckets.size > SWEEP_ABOVE) {
        for (const [k, bucket] of buckets) if (level(bucket, t) >= capacity) buckets.delete(k);
      }
      const tokens = tokensOf(key, t);
      if (tokens < 1) return secondsUntilOne(tokens);
      buckets.set(key, { tokens: tokens - 1, at: t });
      return 0;
    },
    wait(key) {
      return secondsUntilOne(tokensOf(key, now()));
    },
  };
}

/** Throws the 429, with `Retry-After`, once `key` has used up its bucket. */
export function takeOrRefuse(limiter: RateLimiter, key: string): void {
  const wait = limiter.take(key);
  if (wait > 0) throw new ApiError(429, 'rate-limited', `Too many requests; try again in ${wait} s`, { 'Retry-After': String(wait) });
}

/** Limits a route per client address (for callers that have no device yet). */
export function limitPerAddress(limiter: RateLimiter): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    takeOrRefuse(limiter, c.var.clientAddress);
    await next();
  };
}
