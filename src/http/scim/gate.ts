/**
 * The SCIM gate: one middleware for every request under the Tenant URL that runs, in order, bearer
 * authentication (auth.ts), the per-key rate limit, loading the organization's schema registry and
 * the strict profile's exact resource type segment, then the handler, and finally reports the
 * outcome to the activity recorder. These were five Hono middlewares; each layer costs an async
 * dispatch and a handler frame per request around what is, for a lookup, a two-statement handler.
 *
 * A step's refusal is rendered here exactly as the app's error handler would (`renderError`, the
 * error kept as `c.error`), so the activity report sees the response the client gets.
 */
import type { Context, MiddlewareHandler } from 'hono';
import type { AppEnv } from '../env.ts';
import { rateLimitRefusal } from '../auth.ts';
import type { RateLimiter } from '../rate-limit.ts';
import { renderError } from '../render-error.ts';
import { reportActivity, type ActivityRecorder } from './activity.ts';
import { checkExactSegmentWhenStrict } from './resource-segment.ts';

export interface ScimGateOptions {
  /** Authenticates the request and sets `principal` and `operation` (auth.ts), or throws. */
  readonly authenticate: (c: Context<AppEnv>) => Promise<void>;
  readonly limiter: RateLimiter;
  /** Brings the organization's registry up to date before the handler (AppDeps.loadRegistry). */
  readonly loadRegistry?: ((orgId: string) => Promise<unknown>) | undefined;
  /** Receives each request's outcome; none when omitted. */
  readonly activity?: ActivityRecorder | undefined;
  /** The Tenant URL path (for the strict profile's segment check). */
  readonly prefix: string;
}

/** Creates the SCIM gate middleware (see the module comment). */
export function scimGate(options: ScimGateOptions): MiddlewareHandler<AppEnv> {
  const { authenticate, limiter, loadRegistry, activity, prefix } = options;

  async function admit(c: Context<AppEnv>): Promise<void> {
    await authenticate(c);
    const taken = limiter.take(c.get('principal').keyId);
    const refusal = rateLimitRefusal(taken instanceof Promise ? await taken : taken);
    if (refusal) throw refusal;
    if (loadRegistry) await loadRegistry(c.get('operation').orgId);
    checkExactSegmentWhenStrict(c, prefix);
  }

  return async function scimGateway(c, next) {
    try {
      await admit(c);
    } catch (error) {
      // As Hono's compose does for a throwing middleware (non-Error values propagate unchanged).
      if (!(error instanceof Error)) throw error;
      c.error = error;
      c.res = renderError(error, c);
      if (activity) reportActivity(activity, c);
      return;
    }
    await next();
    if (activity) reportActivity(activity, c);
  };
}
