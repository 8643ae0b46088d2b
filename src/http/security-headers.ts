/**
 * Security headers on every response (docs/reliability.md, Security basics): the API answers JSON
 * only, so browsers are told not to sniff, frame, refer or run anything from it, and not to store
 * it. SCIM responses are built with these headers already (respond.ts); the middleware adds them to
 * every other response that lacks them (admin API, health, metrics, 404s), leaving a route's own
 * values (the console's HTML may set its own Content-Security-Policy) alone.
 */
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from './env.ts';

/** The headers and their values for API responses. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'",
  'Cache-Control': 'no-store',
});

const NAMES = Object.keys(SECURITY_HEADERS);

/**
 * Responses built with the headers (respond.ts: every SCIM response). The middleware asks this set
 * instead of the response's `headers`: reading those makes @hono/node-server turn the plain header
 * object into an undici `Headers`, which it must then convert back to write them.
 */
const secured = new WeakSet<Response>();

/** Marks `response` as built with the security headers; returns it. */
export function withSecurityHeadersSet(response: Response): Response {
  secured.add(response);
  return response;
}

/** Adds the missing security headers after the handler ran. */
export function securityHeaders(): MiddlewareHandler<AppEnv> {
  return async function addSecurityHeaders(c, next) {
    await next();
    if (secured.has(c.res)) return;
    const headers = c.res.headers;
    // Responses built elsewhere with the headers are left as they are.
    if (headers.has('X-Content-Type-Options')) return;
    for (const name of NAMES) if (!headers.has(name)) c.header(name, SECURITY_HEADERS[name]);
  };
}
