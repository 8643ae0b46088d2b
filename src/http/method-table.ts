/**
 * Which methods each route accepts, for the 405 answer and its `Allow` header (RFC 9110 §15.5.6)
 * when a known path is called with another method.
 */

const GET = ['GET', 'HEAD'];

/** Route patterns relative to the SCIM prefix, with the methods they accept. */
const SCIM_ROUTES: readonly (readonly [RegExp, readonly string[]])[] = [
  [/^\/(Users|Groups)$/, [...GET, 'POST']],
  [/^\/(Users|Groups)\/\.search$/, ['POST']],
  [/^\/(Users|Groups)\/[^/]+$/, [...GET, 'PUT', 'PATCH', 'DELETE']],
  [/^\/\.search$/, ['POST']],
  [/^\/Bulk$/, ['POST']],
  [/^\/(ServiceProviderConfig|Schemas|ResourceTypes)$/, GET],
  [/^\/(Schemas|ResourceTypes)\/[^/]+$/, GET],
];

const OTHER_ROUTES: readonly (readonly [RegExp, readonly string[]])[] = [[/^\/(healthz|readyz|metrics)$/, GET]];

/** The methods `path` accepts, or `undefined` when no route has that path. */
export function allowedMethods(path: string, scimPrefix: string): readonly string[] | undefined {
  const trimmed = path.length > 1 ? path.replace(/\/+$/, '') : path;
  if (trimmed.startsWith(`${scimPrefix}/`)) {
    const rest = trimmed.slice(scimPrefix.length);
    return SCIM_ROUTES.find(([pattern]) => pattern.test(rest))?.[1];
  }
  return OTHER_ROUTES.find(([pattern]) => pattern.test(trimmed))?.[1];
}
