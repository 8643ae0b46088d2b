/**
 * The per-key rate limit shared through a real Redis (127.0.0.1:6379, or REDIS_URL): two scimd app
 * instances over one store, each with its own Redis connection, draw from one bucket per key; with
 * Redis unreachable each instance limits on its own.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createApp, type AppDeps } from '../../src/http/app.ts';
import { createRateLimiter } from '../../src/http/rate-limit.ts';
import { createRedisRateLimiter } from '../../src/http/redis-rate-limit.ts';
import { createRespClient, type RespClient } from '../../src/http/resp-client.ts';
import { BASE, createHarness, readResult } from './harness.ts';

const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const clients: RespClient[] = [];
after(async () => {
  for (const client of clients) await client.close();
});

function sharedLimiter(prefix: string, ratePerSecond: number, burst: number, url = REDIS_URL) {
  const client = createRespClient({ url, timeoutMs: 500 });
  clients.push(client);
  const errors: unknown[] = [];
  const limiter = createRedisRateLimiter({
    client,
    ratePerSecond,
    burst,
    prefix,
    fallback: createRateLimiter({ ratePerSecond, burst, now: () => performance.now() }),
    onError: (error) => errors.push(error),
  });
  return { limiter, errors };
}

describe('rate limit shared through Redis', () => {
  it('refuses the burst+1st request of a key even when the requests are spread over two instances', async () => {
    const prefix = `scimd-test:${randomUUID()}:`;
    const a = sharedLimiter(prefix, 0.01, 6);
    const b = sharedLimiter(prefix, 0.01, 6);
    let deps: AppDeps | undefined;
    const harness = await createHarness({ overrides: (d) => ((deps = d), { rateLimiter: a.limiter }) });
    try {
      const second = createApp({ ...deps!, rateLimiter: b.limiter });
      const get = async (app: typeof second) =>
        (await readResult(await app.request(`${BASE}/Users`, { headers: { Authorization: `Bearer ${harness.token}` } }, { incoming: { socket: { remoteAddress: '127.0.0.1' } } })));
      const statuses: number[] = [];
      for (let i = 0; i < 4; i += 1) {
        statuses.push((await get(harness.app)).status);
        statuses.push((await get(second)).status);
      }
      // Six tokens for the key across both instances: requests 7 and 8 are refused, whichever instance gets them.
      assert.deepEqual(statuses, [200, 200, 200, 200, 200, 200, 429, 429]);
      const refused = await get(harness.app);
      assert.equal(refused.status, 429);
      assert.equal(refused.headers.get('Retry-After'), '100');
      assert.deepEqual([a.errors, b.errors], [[], []]);
      // Another key has its own bucket.
      const other = await harness.newKey({ description: 'Okta' });
      const otherStatus = (await readResult(await second.request(`${BASE}/Users`, { headers: { Authorization: `Bearer ${other}` } }, { incoming: { socket: { remoteAddress: '127.0.0.1' } } }))).status;
      assert.equal(otherStatus, 200);
    } finally {
      await harness.close();
    }
  });

  it('refills from the Redis clock at the configured rate', async () => {
    const { limiter } = sharedLimiter(`scimd-test:${randomUUID()}:`, 20, 1);
    assert.equal((await limiter.take('k')).allowed, true);
    const refused = await limiter.take('k');
    assert.deepEqual(refused, { allowed: false, retryAfterSeconds: 1, remaining: 0 });
    await new Promise((resolve) => setTimeout(resolve, 120));
    assert.equal((await limiter.take('k')).allowed, true);
  });

  it('falls back to the instance\'s own bucket while Redis cannot be reached, and reports the outage once', async () => {
    const { limiter, errors } = sharedLimiter('scimd-test:down:', 0.01, 2, 'redis://127.0.0.1:1');
    const decisions = [];
    for (let i = 0; i < 3; i += 1) decisions.push((await limiter.take('k')).allowed);
    assert.deepEqual(decisions, [true, true, false]);
    assert.equal(errors.length, 1);
  });

  it('rejects a REDIS_URL that is not redis://', () => {
    assert.throws(() => createRespClient({ url: 'http://127.0.0.1:6379' }), /must start with redis:\/\//);
  });
});
