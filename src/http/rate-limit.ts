/**
 * A token-bucket rate limiter keyed by caller (an API key id): `ratePerSecond` tokens refill
 * continuously up to `burst`. These counters live in this process, so several instances each enforce
 * the limit on their own share of the traffic; with REDIS_URL the buckets are shared instead
 * (redis-rate-limit.ts), and this limiter answers while Redis is unreachable.
 */

export interface RateLimitDecision {
  readonly allowed: boolean;
  /** Whole seconds until one token is available again (for `Retry-After`); 0 when allowed. */
  readonly retryAfterSeconds: number;
  /** Tokens left after this request, rounded down. */
  readonly remaining: number;
}

export interface RateLimiter {
  /** Takes one token from `key`'s bucket; the Redis-backed limiter answers asynchronously. */
  take(key: string): RateLimitDecision | Promise<RateLimitDecision>;
}

export interface RateLimiterOptions {
  readonly ratePerSecond: number;
  readonly burst: number;
  /** Milliseconds since an arbitrary origin; injected so tests control time. */
  readonly now: () => number;
  /** Buckets idle long enough to be full again are dropped once this many exist. */
  readonly maxKeys?: number;
}

interface Bucket {
  tokens: number;
  updatedAt: number;
}

/** Creates an in-process token-bucket limiter. */
export function createRateLimiter(options: RateLimiterOptions): { take(key: string): RateLimitDecision } {
  const { ratePerSecond, burst, now } = options;
  if (!(ratePerSecond > 0) || !(burst >= 1)) {
    throw new RangeError('rate limiter needs ratePerSecond > 0 and burst >= 1');
  }
  const maxKeys = options.maxKeys ?? 10_000;
  const buckets = new Map<string, Bucket>();
  const refillMs = (burst / ratePerSecond) * 1000;

  function sweep(at: number): void {
    for (const [key, bucket] of buckets) {
      if (at - bucket.updatedAt >= refillMs) buckets.delete(key);
    }
  }

  return {
    take(key) {
      const at = now();
      let bucket = buckets.get(key);
      if (!bucket) {
        if (buckets.size >= maxKeys) sweep(at);
        bucket = { tokens: burst, updatedAt: at };
        buckets.set(key, bucket);
      } else {
        const elapsed = Math.max(0, at - bucket.updatedAt) / 1000;
        bucket.tokens = Math.min(burst, bucket.tokens + elapsed * ratePerSecond);
        bucket.updatedAt = at;
      }
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return { allowed: true, retryAfterSeconds: 0, remaining: Math.floor(bucket.tokens) };
      }
      const wait = (1 - bucket.tokens) / ratePerSecond;
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(wait)), remaining: 0 };
    },
  };
}
