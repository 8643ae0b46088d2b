/**
 * The per-key token bucket shared through Redis, so several scimd instances enforce one limit per
 * API key (REDIS_URL). The bucket is a Redis hash updated by one Lua script — atomic, timed by the
 * Redis server's clock, so instances need no synchronised clocks — and expires once it would be full
 * again. When Redis cannot answer, each instance falls back to its own in-process bucket (the limit
 * then holds per instance, as without Redis) and says so once per outage through `onError`.
 */
import { createHash } from 'node:crypto';
import type { RateLimitDecision, RateLimiter } from './rate-limit.ts';
import { RespError, type RespClient, type RespValue } from './resp-client.ts';

/** KEYS[1] the bucket; ARGV rate per second, burst. Returns {allowed (0/1), tokens left as text}. */
const SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local b = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(b[1])
local at = tonumber(b[2])
if tokens == nil or at == nil then tokens = burst; at = now end
tokens = math.min(burst, tokens + math.max(0, now - at) / 1000 * rate)
local allowed = 0
if tokens >= 1 then tokens = tokens - 1; allowed = 1 end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil(burst / rate * 1000) + 1000)
return {allowed, tostring(tokens)}
`;
const SHA = createHash('sha1').update(SCRIPT).digest('hex');

export interface RedisRateLimiterOptions {
  readonly client: RespClient;
  readonly ratePerSecond: number;
  readonly burst: number;
  /** Answers while Redis is unreachable (the in-process limiter). */
  readonly fallback: RateLimiter;
  /** Prefix of the bucket keys (default `scimd:rate:`). */
  readonly prefix?: string;
  /** Called once when Redis stops answering, with the error. */
  readonly onError?: (error: unknown) => void;
  /** Called once when Redis answers again after an outage. */
  readonly onRecovered?: () => void;
}

/** Creates a rate limiter whose buckets live in Redis. */
export function createRedisRateLimiter(options: RedisRateLimiterOptions): RateLimiter {
  const { client, ratePerSecond, burst, fallback } = options;
  if (!(ratePerSecond > 0) || !(burst >= 1)) throw new RangeError('rate limiter needs ratePerSecond > 0 and burst >= 1');
  const prefix = options.prefix ?? 'scimd:rate:';
  let down = false;

  async function evaluate(key: string): Promise<RespValue> {
    const args = [1, `${prefix}${key}`, ratePerSecond, burst];
    try {
      return await client.command(['EVALSHA', SHA, ...args]);
    } catch (error) {
      if (error instanceof RespError && error.message.startsWith('NOSCRIPT')) return client.command(['EVAL', SCRIPT, ...args]);
      throw error;
    }
  }

  function decide(reply: RespValue): RateLimitDecision {
    if (!Array.isArray(reply) || reply.length !== 2) throw new Error(`unexpected reply from the rate-limit script: ${JSON.stringify(reply)}`);
    const tokens = Number(reply[1]);
    if (reply[0] === 1) return { allowed: true, retryAfterSeconds: 0, remaining: Math.floor(tokens) };
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - tokens) / ratePerSecond)), remaining: 0 };
  }

  return {
    async take(key) {
      try {
        const decision = decide(await evaluate(key));
        if (down) {
          down = false;
          options.onRecovered?.();
        }
        return decision;
      } catch (error) {
        if (!down) {
          down = true;
          options.onError?.(error);
        }
        return fallback.take(key);
      }
    },
  };
}
