/**
 * The outermost middleware: gives each request an id (`X-Request-Id`, accepted from the client when
 * it is a sane token), one access-log line carrying it (at warn with the SCIM detail for a 4xx, at
 * error with the cause's stack for a 5xx), and the request counter and latency histogram labelled
 * by route template (never by raw path).
 */
import { randomUUID } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import type { Logger } from 'pino';
import type { AppEnv, RequestFailure } from './env.ts';
import type { HttpMetrics } from './metrics.ts';

const SANE_REQUEST_ID = /^[A-Za-z0-9._:@-]{1,128}$/;

/** The client's request id when it is 1–128 safe characters, else a fresh UUID. */
export function requestIdFrom(header: string | undefined): string {
  return header !== undefined && SANE_REQUEST_ID.test(header) ? header : randomUUID();
}

/** The route template that answered, for metric labels (`unmatched` for unknown paths). */
function routeLabel(template: string): string {
  return template === '' || template === '*' || template.endsWith('/*') ? 'unmatched' : template;
}

/** info for successes and redirects, warn for client errors (4xx), error for server errors (5xx). */
function levelOf(status: number): 'info' | 'warn' | 'error' {
  return status >= 500 ? 'error' : status >= 400 ? 'warn' : 'info';
}

/** What the access-log line says about a failure: the SCIM detail and scimType, or the error. */
function failureFields(failure: RequestFailure | undefined): Record<string, unknown> {
  if (failure === undefined) return {};
  if ('err' in failure) return { err: failure.err };
  return { detail: failure.detail, ...(failure.scimType === undefined ? {} : { scimType: failure.scimType }) };
}

export interface ObserveOptions {
  readonly logger: Logger;
  readonly metrics: HttpMetrics;
  /** Monotonic milliseconds (performance.now by default). */
  readonly now?: () => number;
}

/**
 * A logger stamping the request's id on every line, for lines about request `c` besides the access
 * line. Made on demand: a pino child per request cost ~2–3 µs, and almost no request logs more
 * than its access line, which carries the id as a field.
 */
export function requestLog(c: Context<AppEnv>): Logger {
  return c.get('log').child({ requestId: c.get('requestId') });
}

/** Creates the request-id, access-log and metrics middleware. */
export function observe(options: ObserveOptions): MiddlewareHandler<AppEnv> {
  const now = options.now ?? (() => performance.now());
  return async function observeRequest(c, next) {
    const started = now();
    const requestId = requestIdFrom(c.req.header('X-Request-Id'));
    c.set('requestId', requestId);
    c.set('log', options.logger);
    await next();
    // SCIM responses and errors carry the id already; adding a header to a finished response
    // makes Hono rebuild it, and even asking the response for its headers converts them.
    if (c.get('requestIdSent') !== true && !c.res.headers.has('X-Request-Id')) c.header('X-Request-Id', requestId);
    const seconds = (now() - started) / 1000;
    const route = routeLabel(routePath(c, -1));
    const status = c.res.status;
    options.metrics.requests.inc({ method: c.req.method, route, status: String(status) });
    options.metrics.duration.observe({ method: c.req.method, route }, seconds);
    const operation = c.get('operation');
    const fields = {
      requestId,
      method: c.req.method,
      path: c.req.path,
      route,
      status,
      durationMs: Math.round(seconds * 100_000) / 100,
      ...(operation ? { orgId: operation.orgId, keyId: operation.actor.id } : {}),
      ...failureFields(c.get('failure')),
    };
    options.logger[levelOf(status)](fields, 'request');
  };
}
