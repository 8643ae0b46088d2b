/**
 * The resource type segment of a SCIM URL (`/scim/v2/Users/…`) in any letter case, a leniency of
 * the lenient profile: hand-written requests and some clients send `/users` or `/GROUPS`, which
 * RFC 7644 §3.2 spells `Users` and `Groups`. Routing sees the canonical spelling (hono `getPath`);
 * `checkExactSegmentWhenStrict` answers 404 to a strict-profile caller that did not spell it exactly.
 */
import type { Context } from 'hono';
import { getPathNoStrict } from 'hono/utils/url';
import { ScimError } from '../../core/scim-error.ts';
import type { AppEnv } from '../env.ts';

const CANONICAL = new Map([
  ['users', 'Users'],
  ['groups', 'Groups'],
]);

/** `path` with the segment after `prefix` spelled as RFC 7644 spells a resource type, when it names one. */
export function canonicalScimPath(path: string, prefix: string): string {
  if (!path.startsWith(prefix) || path.charCodeAt(prefix.length) !== 47 /* '/' */) return path;
  const start = prefix.length + 1;
  const slash = path.indexOf('/', start);
  const end = slash < 0 ? path.length : slash;
  const segment = path.slice(start, end);
  if (segment === 'Users' || segment === 'Groups') return path;
  const canonical = CANONICAL.get(segment.toLowerCase());
  return canonical === undefined ? path : `${prefix}/${canonical}${path.slice(end)}`;
}

/** hono's `getPath` (without trailing slash) with the resource type segment made canonical. */
export function scimGetPath(prefix: string): (request: Request) => string {
  return (request) => canonicalScimPath(getPathNoStrict(request), prefix);
}

/** Refuses (404) a resource type segment not spelled exactly, for callers in the strict profile (a step of scim/gate.ts). */
export function checkExactSegmentWhenStrict(c: Context<AppEnv>, prefix: string): void {
  if (!c.get('operation')?.strict) return;
  const written = getPathNoStrict(c.req.raw);
  if (canonicalScimPath(written, prefix) !== written) {
    throw new ScimError(404, undefined, `No endpoint at ${written}; resource types are spelled Users and Groups (strict profile)`);
  }
}
