/**
 * The HTTP application (STYLE.md: build, never listen). `createApp(deps)` wires the middleware
 * chain — request id, logs and metrics → the SCIM gate (bearer auth, per-key rate limit, activity)
 * → handlers — and the routes of the SCIM API under the Tenant URL `/scim/v2` (RFC 7644 §3), plus health and metrics.
 * `src/runtime.ts` passes real services; tests pass services over an in-memory store and call
 * `app.request()` without a socket.
 */
import { Hono, type Context } from 'hono';
import type { Logger } from 'pino';
import { createSchemaRegistry, type SchemaRegistry } from '../core/schema/registry.ts';
import { ScimError } from '../core/scim-error.ts';
import type { Authenticator } from '../services/authenticator.ts';
import { createBulkService } from '../services/bulk.ts';
import type { GroupService } from '../services/scim-groups.ts';
import type { UserService } from '../services/scim-users.ts';
import { registerAdminApi } from './admin/admin-api.ts';
import type { AdminServices } from './admin/deps.ts';
import { createScimAuthentication } from './auth.ts';
import type { AppEnv } from './env.ts';
import { registerConsole } from './console.ts';
import { registerHealthRoutes } from './health.ts';
import { createLogger } from './logger.ts';
import { createMetricsRegistry, httpMetrics, type MetricsRegistry } from './metrics.ts';
import { allowedMethods } from './method-table.ts';
import { observe } from './observe.ts';
import { createRateLimiter, type RateLimiter } from './rate-limit.ts';
import { ScimHttpError, renderError } from './render-error.ts';
import type { ActivityRecorder } from './scim/activity.ts';
import { registerBulkRoute } from './scim/bulk.ts';
import { registerResourceRoutes } from './scim/resource-routes.ts';
import { scimGate } from './scim/gate.ts';
import { scimGetPath } from './scim/resource-segment.ts';
import { groupEndpoint, userEndpoint } from './scim/resources.ts';
import { registerRootRoutes } from './scim/root-routes.ts';
import type { HttpLimits, ScimContext } from './scim/scim-context.ts';
import { securityHeaders } from './security-headers.ts';
import { rejectNulInUrl } from './url-guard.ts';

/** The Tenant URL path every SCIM endpoint lives under. */
export const SCIM_PREFIX = '/scim/v2';

/** Everything the HTTP layer uses; built by src/runtime.ts (or by a test). */
export interface AppDeps {
  /** The store, for `/readyz` only (`ping`); handlers go through the services. */
  readonly store: { ping(): Promise<void> };
  /**
   * The SCIM User use cases. Build them with the same schemas as `registryFor` and with the
   * configured filter limits (`filterLimits: { maxLength, maxDepth }`), which they enforce as 400
   * invalidFilter.
   */
  readonly users: UserService;
  /** The SCIM Group use cases (with `maxMembersReturned` from the configuration). */
  readonly groups: GroupService;
  /** Turns a bearer secret into the caller's organization and key (src/services/api-keys.ts). */
  readonly authenticator: Authenticator;
  /** An organization's schemas for `/Schemas`, `/ResourceTypes` and projection; built-ins by default. */
  readonly registryFor?: (orgId: string) => SchemaRegistry;
  /**
   * Brings an organization's registry up to date; awaited once per authenticated SCIM request
   * before the handler, so `registryFor` answers with current definitions during it.
   */
  readonly loadRegistry?: (orgId: string) => Promise<unknown>;
  /** Body, page and Bulk limits (Config['limits']), enforced and advertised in ServiceProviderConfig. */
  readonly limits: HttpLimits;
  /** Token bucket per API key (Config['rateLimit']): `perSecond` refill, `burst` capacity. */
  readonly rateLimit: { readonly perSecond: number; readonly burst: number };
  /** The externally visible origin (Config['publicUrl'], e.g. `https://scim.example.com`); else taken from Host. */
  readonly publicUrl?: string | undefined;
  /**
   * Behind a reverse proxy: take the caller's IP from the last `X-Forwarded-For` entry and the base
   * URL from `X-Forwarded-Proto`/`-Host`. Leave off when clients reach scimd directly.
   */
  readonly trustProxy?: boolean;
  /** The JSON logger (see createLogger); silent when omitted. */
  readonly logger?: Logger;
  /** The metrics registry `/metrics` renders; a fresh one when omitted. */
  readonly metrics?: MetricsRegistry;
  /** The per-key limiter shared across instances (Redis); an in-process one from `rateLimit` by default. */
  readonly rateLimiter?: RateLimiter;
  /** Milliseconds clock for the rate limiter (tests pass a fake one); `performance.now` by default. */
  readonly now?: () => number;
  /** Receives each authenticated SCIM request's outcome (services/activity.ts); none when omitted. */
  readonly activity?: ActivityRecorder;
  /** The services behind the admin API (`/api/v1`, src/http/admin/); not served when omitted. */
  readonly admin?: AdminServices;
  /** The built admin console (`console/dist`), served under `/console`; not served when omitted. */
  readonly consoleRoot?: string;
}

function firstHeaderValue(value: string | undefined): string | undefined {
  const first = value?.split(',')[0]?.trim();
  return first === '' ? undefined : first;
}

/** The caller's address: the socket peer, or the proxy-appended X-Forwarded-For entry. */
function clientIpOf(trustProxy: boolean) {
  return (c: Context<AppEnv>): string | undefined => {
    if (trustProxy) {
      const forwarded = c.req.header('X-Forwarded-For')?.split(',').map((s) => s.trim()).filter((s) => s !== '');
      const last = forwarded?.at(-1);
      if (last !== undefined) return last;
    }
    return c.env?.incoming?.socket?.remoteAddress;
  };
}

/**
 * The origin of an absolute request URL. Parsing the whole URL on every request costs more than a
 * lookup's other string work, so the part before the path is parsed once per distinct value (a
 * server sees a handful of Host headers; the memo is cleared if it ever holds more than 100).
 */
function createOriginOf(): (url: string) => string {
  const origins = new Map<string, string>();
  return (url) => {
    const pathStart = url.indexOf('/', url.indexOf('://') + 3);
    const prefix = pathStart < 0 ? url : url.slice(0, pathStart);
    let origin = origins.get(prefix);
    if (origin === undefined) {
      if (origins.size >= 100) origins.clear();
      origins.set(prefix, (origin = new URL(prefix).origin));
    }
    return origin;
  };
}

/** `https://host/scim/v2` for a request, from `publicUrl` or the request's own origin. */
function baseUrlOf(publicUrl: string | undefined, trustProxy: boolean) {
  const fixed = publicUrl === undefined ? undefined : `${publicUrl.replace(/\/+$/, '')}${SCIM_PREFIX}`;
  const originOf = createOriginOf();
  return (c: Context<AppEnv>): string => {
    if (fixed !== undefined) return fixed;
    if (!trustProxy) return `${originOf(c.req.url)}${SCIM_PREFIX}`;
    const url = new URL(c.req.url);
    const proto = firstHeaderValue(c.req.header('X-Forwarded-Proto'));
    const host = firstHeaderValue(c.req.header('X-Forwarded-Host'));
    if (proto === 'http' || proto === 'https') url.protocol = `${proto}:`;
    if (host !== undefined) url.host = host;
    return `${url.origin}${SCIM_PREFIX}`;
  };
}

function scimContext(deps: AppDeps, metrics: ReturnType<typeof httpMetrics>): ScimContext {
  const fallback = createSchemaRegistry();
  const registryFor = deps.registryFor ?? (() => fallback);
  const bulk = createBulkService({
    users: deps.users,
    groups: deps.groups,
    ...(deps.limits.maxPatchOperations === undefined ? {} : { maxPatchOperations: deps.limits.maxPatchOperations }),
    observe: async (resource, operation, run) => {
      try {
        const result = await run();
        metrics.operations.inc({ resource, operation, outcome: 'success' });
        return result;
      } catch (error) {
        metrics.operations.inc({ resource, operation, outcome: 'failure' });
        throw error;
      }
    },
  });
  return {
    users: userEndpoint(deps.users, (orgId) => registryFor(orgId).user),
    groups: groupEndpoint(deps.groups, (orgId) => registryFor(orgId).group),
    bulk,
    limits: deps.limits,
    registryFor,
    baseUrl: baseUrlOf(deps.publicUrl, deps.trustProxy ?? false),
    metrics,
  };
}

/** Unknown paths are 404; known paths with another method are 405 with `Allow` (both SCIM errors). */
function notFound(c: Context<AppEnv>): Response {
  const allow = allowedMethods(c.req.path, SCIM_PREFIX);
  if (allow !== undefined) {
    return renderError(new ScimHttpError(405, `${c.req.method} is not supported on ${c.req.path}; use ${allow.join(', ')}`, { Allow: allow.join(', ') }), c);
  }
  return renderError(new ScimError(404, undefined, `No endpoint at ${c.req.path}; the SCIM API lives under ${SCIM_PREFIX}`), c);
}

/** Builds the scimd HTTP application without listening. */
export function createApp(deps: AppDeps): Hono<AppEnv> {
  const registry = deps.metrics ?? createMetricsRegistry();
  const metrics = httpMetrics(registry);
  const logger = deps.logger ?? createLogger({ level: 'silent' });
  const trustProxy = deps.trustProxy ?? false;
  const now = deps.now ?? (() => performance.now());
  const limiter = deps.rateLimiter ?? createRateLimiter({ ratePerSecond: deps.rateLimit.perSecond, burst: deps.rateLimit.burst, now });
  // Trailing slashes are ignored and the resource type segment is read in any case (scim/resource-segment.ts).
  const app = new Hono<AppEnv>({ getPath: scimGetPath(SCIM_PREFIX) });

  app.use('*', observe({ logger, metrics }));
  app.use('*', securityHeaders());
  app.use('*', rejectNulInUrl(SCIM_PREFIX));
  registerHealthRoutes(app, { ping: () => deps.store.ping(), registry });
  // Authentication, the rate limit, the registry, the strict segment check and the activity report.
  app.use(`${SCIM_PREFIX}/*`, scimGate({
    authenticate: createScimAuthentication({ authenticator: deps.authenticator, clientIp: clientIpOf(trustProxy) }),
    limiter,
    loadRegistry: deps.loadRegistry,
    activity: deps.activity,
    prefix: SCIM_PREFIX,
  }));

  const setup = scimContext(deps, metrics);
  registerRootRoutes(app, setup, SCIM_PREFIX);
  registerBulkRoute(app, setup, SCIM_PREFIX);
  registerResourceRoutes(app, setup, setup.users, SCIM_PREFIX);
  registerResourceRoutes(app, setup, setup.groups, SCIM_PREFIX);

  if (deps.admin) {
    const scimBase = baseUrlOf(deps.publicUrl, trustProxy);
    registerAdminApi(app, deps.admin, {
      origin: (c) => scimBase(c).slice(0, -SCIM_PREFIX.length),
      clientIp: clientIpOf(trustProxy),
      maxBodyBytes: deps.limits.maxBodyBytes,
      maxPageSize: deps.limits.maxPageSize,
      defaultPageSize: deps.limits.defaultPageSize,
    });
  }

  if (deps.consoleRoot !== undefined) registerConsole(app, { root: deps.consoleRoot });

  app.notFound(notFound);
  app.onError((error, c) => renderError(error, c));
  return app;
}
