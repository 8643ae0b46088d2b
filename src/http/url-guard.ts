/**
 * Keeps NUL characters in the URL away from the database (docs/limits.md): a `%00` in a query
 * parameter is a 400 invalidValue naming the parameter; in the path of a SCIM resource it is left
 * to the service, which answers the same 404 as for any unknown id; in any other path (admin API)
 * it is a 404. Lone surrogates cannot arrive through a URL: invalid percent-encoded UTF-8 decodes
 * to U+FFFD or stays percent-encoded.
 */
import type { Context, Next } from 'hono';
import { ScimError } from '../core/scim-error.ts';
import { unstorableError } from '../core/text.ts';
import type { AppEnv } from './env.ts';

const NUL = /%00/i;

/** The middleware; `scimPrefix` paths keep their own 404s. */
export function rejectNulInUrl(scimPrefix: string) {
  return async function rejectNul(c: Context<AppEnv>, next: Next): Promise<void | Response> {
    const url = c.req.url;
    // One substring test per request; the URL is only taken apart when it holds an encoded NUL.
    if (!NUL.test(url)) return next();
    const parsed = new URL(url);
    for (const [name, value] of parsed.searchParams) {
      if (name.includes('\0') || value.includes('\0')) throw unstorableError(`Query parameter "${name.replaceAll('\0', '\\u0000')}"`, 'a NUL character (U+0000)');
    }
    if (NUL.test(parsed.pathname) && !parsed.pathname.startsWith(`${scimPrefix}/`)) {
      throw new ScimError(404, undefined, `No resource at ${parsed.pathname}`);
    }
    return next();
  };
}
