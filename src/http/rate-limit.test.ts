import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createRateLimiter } from './rate-limit.ts';

function clock() {
  let t = 0;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe('createRateLimiter', () => {
  it('allows a burst and then refuses with a Retry-After of at least one second', () => {
    const c = clock();
    const limiter = createRateLimiter({ ratePerSecond: 2, burst: 3, now: c.now });
    assert.deepEqual([1, 2, 3].map(() => limiter.take('k').allowed), [true, true, true]);
    const refused = limiter.take('k');
    assert.equal(refused.allowed, false);
    assert.equal(refused.retryAfterSeconds, 1);
    assert.equal(refused.remaining, 0);
  });

  it('refills at the configured rate', () => {
    const c = clock();
    const limiter = createRateLimiter({ ratePerSecond: 10, burst: 1, now: c.now });
    assert.ok(limiter.take('k').allowed);
    assert.ok(!limiter.take('k').allowed);
    c.advance(99);
    assert.ok(!limiter.take('k').allowed);
    c.advance(2);
    assert.ok(limiter.take('k').allowed);
  });

  it('keeps separate buckets per key', () => {
    const c = clock();
    const limiter = createRateLimiter({ ratePerSecond: 1, burst: 1, now: c.now });
    assert.ok(limiter.take('a').allowed);
    assert.ok(limiter.take('b').allowed);
    assert.ok(!limiter.take('a').allowed);
  });

  it('computes Retry-After from the deficit for slow rates', () => {
    const c = clock();
    const limiter = createRateLimiter({ ratePerSecond: 0.1, burst: 1, now: c.now });
    limiter.take('k');
    assert.equal(limiter.take('k').retryAfterSeconds, 10);
  });

  it('forgets idle buckets when the key table is full', () => {
    const c = clock();
    const limiter = createRateLimiter({ ratePerSecond: 1, burst: 1, now: c.now, maxKeys: 2 });
    limiter.take('a');
    limiter.take('b');
    c.advance(5000);
    assert.ok(limiter.take('c').allowed);
    assert.ok(limiter.take('a').allowed, 'a was swept and starts with a full bucket');
  });

  it('rejects nonsensical settings', () => {
    assert.throws(() => createRateLimiter({ ratePerSecond: 0, burst: 1, now: () => 0 }), RangeError);
    assert.throws(() => createRateLimiter({ ratePerSecond: 1, burst: 0, now: () => 0 }), RangeError);
  });
});
