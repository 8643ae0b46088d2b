/**
 * The admin API under `/api/v1`: JSON, SCIM-shaped errors, authenticated by
 * `api` keys with scopes, operator sessions or setup links (principal.ts), described by the OpenAPI
 * 3.1 document at `/api/v1/openapi.json` that is generated from the very route list registered here
 * and browsable at `/api/v1/docs` (api-docs.ts).
 */
import type { Context, Hono } from 'hono';
import { ScimError } from '../../core/scim-error.ts';
import type { AppEnv } from '../env.ts';
import { ScimHttpError } from '../render-error.ts';
import { buildOpenApiDocument } from '../openapi/document.ts';
import { activityRoutes } from './activity-routes.ts';
import { registerApiDocs } from './api-docs.ts';
import { auditRoutes } from './audit-routes.ts';
import type { AdminContext, AdminServices } from './deps.ts';
import { directoryRoutes } from './directory-routes.ts';
import { eventRoutes } from './event-routes.ts';
import { keyRoutes } from './key-routes.ts';
import { organizationRoutes } from './organization-routes.ts';
import { provisioningRoutes } from './provisioning-routes.ts';
import { ADMIN_PREFIX } from './paths.ts';
import { createAdminAuthenticator } from './principal.ts';
import { roleRoutes } from './role-routes.ts';
import { schemaRoutes } from './schema-routes.ts';
import { adminError, defineRoute, honoPath, registerAdminRoutes, type AdminRoute } from './route.ts';
import { sessionRoutes } from './session-routes.ts';
import { setupLinkRoutes } from './setup-link-routes.ts';

/** The version of the admin API contract (not of scimd). */
export const ADMIN_API_VERSION = '1.0.0';

export interface AdminApiOptions {
  /** `https://scim.example.com` for a request: PUBLIC_URL, or the request's own origin. */
  readonly origin: (c: Context<AppEnv>) => string;
  /** The caller's IP (trust-proxy aware), for key allow-lists and the revision history. */
  readonly clientIp: (c: Context<AppEnv>) => string | undefined;
  readonly maxBodyBytes: number;
  readonly maxPageSize: number;
  readonly defaultPageSize: number;
}

/** Every admin route except the OpenAPI document itself. */
export function adminRoutes(admin: AdminContext): AdminRoute[] {
  return [
    ...sessionRoutes(admin),
    ...organizationRoutes(admin),
    ...keyRoutes(admin),
    ...setupLinkRoutes(admin),
    ...roleRoutes(admin),
    ...schemaRoutes(admin),
    ...directoryRoutes(admin),
    ...auditRoutes(admin),
    ...activityRoutes(admin),
    ...eventRoutes(admin),
    ...provisioningRoutes(admin),
  ];
}

function openApiRoute(document: () => unknown): AdminRoute {
  return defineRoute({
    method: 'get',
    path: '/openapi.json',
    summary: 'This OpenAPI 3.1 document',
    tag: 'Meta',
    access: { kind: 'public' },
    responses: { 200: { description: 'The OpenAPI document', contentType: 'application/json' } },
    handle: async () => ({ status: 200, body: document() }),
  });
}

/** 405 (with Allow) for a known path and another method, else 404 — both as SCIM error bodies. */
function fallback(routes: readonly AdminRoute[]) {
  const patterns = routes.map((r) => ({ method: r.method.toUpperCase(), regex: new RegExp(`^${ADMIN_PREFIX}${honoPath(r.path).replace(/:\w+/g, '[^/]+')}/?$`) }));
  return (c: Context<AppEnv>): Response => {
    const allow = patterns.filter((p) => p.regex.test(c.req.path)).map((p) => p.method);
    if (allow.length > 0) return adminError(new ScimHttpError(405, `${c.req.method} is not supported on ${c.req.path}; use ${allow.join(', ')}`, { Allow: allow.join(', ') }), c);
    return adminError(new ScimError(404, undefined, `No admin API endpoint at ${c.req.path}; see ${ADMIN_PREFIX}/openapi.json`), c);
  };
}

/** Registers the admin API on `app`; returns the registered routes (the OpenAPI route included). */
export function registerAdminApi(app: Hono<AppEnv>, services: AdminServices, options: AdminApiOptions): readonly AdminRoute[] {
  const admin: AdminContext = { ...services, origin: options.origin, maxPageSize: options.maxPageSize, defaultPageSize: options.defaultPageSize };
  // The document describes the route that serves it, so it is built once the list is complete —
  // on its first request, not at start-up (converting every zod schema costs start-up time).
  let document: unknown;
  const routes = [...adminRoutes(admin)];
  routes.push(openApiRoute(() => (document ??= buildOpenApiDocument(routes, { version: ADMIN_API_VERSION, basePath: ADMIN_PREFIX }))));
  const authenticate = createAdminAuthenticator({ operators: services.operators, setupLinks: services.setupLinks, apiKeys: services.apiKeys, clientIp: options.clientIp });
  registerAdminRoutes(app, ADMIN_PREFIX, routes, { authenticate, maxBodyBytes: options.maxBodyBytes, clientIp: options.clientIp });
  registerApiDocs(app, ADMIN_PREFIX);
  app.all(`${ADMIN_PREFIX}/*`, fallback(routes));
  app.all(ADMIN_PREFIX, fallback(routes));
  return routes;
}
