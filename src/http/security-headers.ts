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

/** Adds the missing security headers after the handler ran. */
export function securityHeaders(): MiddlewareHandler<AppEnv> {
  return async function addSecurityHeaders(c, next) {
    await next();
    const headers = c.res.headers;
    // Responses built with the headers (every SCIM response) are left as they are.
    if (headers.has('X-Content-Type-Options')) return;
    for (const name of NAMES) if (!headers.has(name)) c.header(name, SECURITY_HEADERS[name]);
  };
}
