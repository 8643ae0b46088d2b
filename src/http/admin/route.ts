/**
 * One admin API route as data: method, path, who may call it, the zod schemas of its query string,
 * body and responses, and a thin handler. `registerAdminRoutes` turns each into a Hono handler that
 * authenticates, checks access (another organization's resources are 404, a missing scope 403),
 * validates the input, calls the handler and renders JSON; the OpenAPI document is generated from
 * the same list, so a route cannot exist undocumented.
 */
import type { Context, Hono } from 'hono';
import type { z } from 'zod';
import { ScimError } from '../../core/scim-error.ts';
import type { OperationContext } from '../../services/context.ts';
import { readJsonBody } from '../body.ts';
import type { AppEnv } from '../env.ts';
import { renderError } from '../render-error.ts';
import { actorOf, holds, type AdminAuthenticator, type AdminPrincipal } from './principal.ts';
import type { Scope } from './scopes.ts';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** Who may call a route. */
export type Access =
  | { readonly kind: 'public' }
  /** Any authenticated caller. */
  | { readonly kind: 'any' }
  /** Operators only (403 for keys and setup links). */
  | { readonly kind: 'operator' }
  /** The path has `{orgId}`; the caller must hold `scope` in that organization (operators always do). */
  | { readonly kind: 'org'; readonly scope: Scope };

/** A declared response: its description and, for JSON, its schema. */
export interface ResponseSpec {
  readonly description: string;
  readonly schema?: z.ZodType;
  /** `application/json` unless said otherwise (e.g. `text/csv`). */
  readonly contentType?: string;
}

export interface RouteInput<Q, B> {
  readonly c: Context<AppEnv>;
  /** Undefined only on public routes. */
  readonly principal: AdminPrincipal | undefined;
  readonly params: Readonly<Record<string, string>>;
  readonly query: Q;
  readonly body: B;
  /** The tenant, actor and request metadata for a service call on organization `orgId`. */
  operation(orgId: string): OperationContext;
}

/** A handler's answer: status and JSON body (omitted for 204), or a ready Response (streams). */
export type RouteResult = { readonly status: number; readonly body?: unknown; readonly headers?: Readonly<Record<string, string>> } | Response;

export interface AdminRoute<Q = unknown, B = unknown> {
  readonly method: HttpMethod;
  /** Relative to /api/v1, OpenAPI style: `/organizations/{orgId}/keys`. */
  readonly path: string;
  readonly summary: string;
  readonly tag: string;
  readonly access: Access;
  readonly query?: z.ZodObject;
  readonly body?: z.ZodType;
  /** Success responses (errors are added to the document for every route). */
  readonly responses: Readonly<Record<number, ResponseSpec>>;
  handle(input: RouteInput<Q, B>): Promise<RouteResult>;
}

/** Declares a route with its input types inferred from its schemas. */
export function defineRoute<Q extends z.ZodObject | undefined = undefined, B extends z.ZodType | undefined = undefined>(
  route: Omit<AdminRoute, 'query' | 'body' | 'handle'> & {
    readonly query?: Q;
    readonly body?: B;
    handle(input: RouteInput<Q extends z.ZodObject ? z.infer<Q> : undefined, B extends z.ZodType ? z.infer<B> : undefined>): Promise<RouteResult>;
  },
): AdminRoute {
  return route as unknown as AdminRoute;
}

/** The media type of admin API responses. */
export const ADMIN_JSON = 'application/json; charset=utf-8';

/** A JSON response through the context, so headers set on it (cookies) are kept; no body for 204. */
function jsonResponse(c: Context<AppEnv>, result: Exclude<RouteResult, Response>): Response {
  const status = result.status as 200;
  if (result.status === 204) return c.body(null, 204, { ...result.headers });
  return c.body(JSON.stringify(result.body), status, { ...result.headers, 'Content-Type': ADMIN_JSON });
}

/** Any error as the SCIM error body, served as application/json. */
export function adminError(error: unknown, c: Context<AppEnv>): Response {
  const response = renderError(error, c);
  response.headers.set('Content-Type', ADMIN_JSON);
  return response;
}

/** Turns zod issues into one 400 `invalidValue` detail naming each bad field. */
export function validationError(where: 'body' | 'query', error: z.ZodError): ScimError {
  const problems = error.issues.map((issue) => `${[where, ...issue.path.map(String)].join('.')}: ${issue.message}`);
  return new ScimError(400, 'invalidValue', `Invalid request ${where}: ${problems.join('; ')}`);
}

/** The Hono path of an OpenAPI path: `{orgId}` → `:orgId`. */
export const honoPath = (path: string): string => path.replace(/\{(\w+)\}/g, ':$1');

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Cookie sessions are refused on state-changing requests from another origin (CSRF). */
function checkOrigin(c: Context<AppEnv>, principal: AdminPrincipal): void {
  if (principal.kind !== 'operator' || principal.via !== 'cookie' || !UNSAFE.has(c.req.method)) return;
  const origin = c.req.header('Origin');
  if (origin !== undefined && origin !== new URL(c.req.url).origin) {
    throw new ScimError(403, undefined, `Cross-origin request from ${origin} refused; send the session token as a bearer token instead`);
  }
}

function authorize(route: AdminRoute, principal: AdminPrincipal | undefined, params: Readonly<Record<string, string>>): void {
  const access = route.access;
  if (access.kind === 'public' || access.kind === 'any' || principal?.kind === 'operator') return;
  if (!principal) throw new ScimError(401, undefined, 'Authentication required');
  if (access.kind === 'operator') throw new ScimError(403, undefined, `Only operators may ${route.summary.toLowerCase()}`);
  const orgId = params['orgId'] ?? '';
  // Another organization's resources do not exist for this caller: 404, exactly as for a missing id.
  if (principal.orgId !== orgId) throw new ScimError(404, undefined, `Organization "${orgId}" not found`);
  if (!holds(principal, orgId, access.scope)) {
    const who = principal.kind === 'apiKey' ? 'This API key' : 'A setup link';
    throw new ScimError(403, undefined, `${who} lacks the scope "${access.scope}" needed to ${route.summary.toLowerCase()}`);
  }
}

export interface RouteEnvironment {
  readonly authenticate: AdminAuthenticator;
  readonly maxBodyBytes: number;
  readonly clientIp: (c: Context<AppEnv>) => string | undefined;
}

async function run(route: AdminRoute, env: RouteEnvironment, c: Context<AppEnv>): Promise<Response> {
  const principal = route.access.kind === 'public' ? undefined : await env.authenticate(c);
  const params = c.req.param() as Record<string, string>;
  if (principal) checkOrigin(c, principal);
  authorize(route, principal, params);
  const ip = env.clientIp(c);
  const operation = (orgId: string): OperationContext => ({
    orgId,
    actor: principal ? actorOf(principal) : { type: 'system', id: null, name: 'anonymous' },
    requestId: c.get('requestId'),
    ...(ip === undefined ? {} : { sourceIp: ip }),
  });
  if (principal && params['orgId'] !== undefined) c.set('operation', operation(params['orgId']));
  const parsedQuery = route.query?.safeParse(c.req.query());
  if (parsedQuery && !parsedQuery.success) throw validationError('query', parsedQuery.error);
  let body: unknown;
  if (route.body) {
    const parsed = route.body.safeParse((await readJsonBody(c.req.raw, { maxBytes: env.maxBodyBytes })).value);
    if (!parsed.success) throw validationError('body', parsed.error);
    body = parsed.data;
  }
  const result = await route.handle({ c, principal, params, query: parsedQuery?.data, body, operation });
  return result instanceof Response ? result : jsonResponse(c, result);
}

/** Registers the routes under `prefix` (e.g. `/api/v1`). */
export function registerAdminRoutes(app: Hono<AppEnv>, prefix: string, routes: readonly AdminRoute[], env: RouteEnvironment): void {
  for (const route of routes) {
    app.on(route.method.toUpperCase(), `${prefix}${honoPath(route.path)}`, async (c) => {
      try {
        return await run(route, env, c);
      } catch (error) {
        return adminError(error, c);
      }
    });
  }
}
