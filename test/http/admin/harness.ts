/**
 * An in-process scimd app with the admin API for tests: real services over a migrated store
 * (SQLite in memory, or a fresh PostgreSQL database), two organizations (Acme, Globex), an operator
 * with a session, and `call()` which goes through `app.request()` — no socket. Every admin response
 * is checked against the schema its route declares (the same zod schema the OpenAPI document is
 * generated from), or against the error schema for error statuses: a test that calls a route
 * fails if the route answers anything the document does not describe.
 */
import assert from 'node:assert/strict';
import type { Hono } from 'hono';
import { adminRoutes } from '../../../src/http/admin/admin-api.ts';
import type { AdminContext } from '../../../src/http/admin/deps.ts';
import { honoPath, type AdminRoute } from '../../../src/http/admin/route.ts';
import { ErrorBody } from '../../../src/http/admin/schemas.ts';
import type { AppEnv } from '../../../src/http/env.ts';
import { buildScimd } from '../../../src/build-scimd.ts';
import { loadConfig, type Config } from '../../../src/config.ts';
import type { ApiKeyService, NewApiKeyInput } from '../../../src/services/api-keys.ts';
import type { OperatorService } from '../../../src/services/operators.ts';
import { SYSTEM_ACTOR, type OrganizationService } from '../../../src/services/organizations.ts';
import type { SetupLinkService } from '../../../src/services/setup-links.ts';
import type { SqlStore } from '../../../src/store/sql/sql-store.ts';
import { buildOpenApiDocument } from '../../../src/http/openapi/document.ts';
import { readResult, TEST_LIMITS, type CallResult } from '../harness.ts';
import { validate } from './json-schema.ts';
import { testDialects, type TestDialect } from '../../store/harness.ts';
import { recordSecret, recordSecretsIn, testLogger } from '../../log-capture.ts';

export const ORIGIN = 'http://scim.test';
export const OPERATOR = { email: 'ada@vendor.test', password: 'correct horse battery staple' };

export interface AdminCall {
  readonly body?: unknown;
  readonly rawBody?: string;
  readonly headers?: Record<string, string>;
  /** Bearer token; `null` sends none. Defaults to the operator's session token. */
  readonly token?: string | null;
  readonly remoteAddress?: string;
}

export interface AdminHarness {
  readonly app: Hono<AppEnv>;
  readonly store: SqlStore;
  /** Acme and Globex. */
  readonly acme: string;
  readonly globex: string;
  /** The operator's session token. */
  readonly session: string;
  readonly keys: ApiKeyService;
  readonly orgs: OrganizationService;
  readonly operators: OperatorService;
  readonly setupLinks: SetupLinkService;
  /** Moves every service clock forward. */
  advance(ms: number): void;
  now(): Date;
  /** Calls `/api/v1<path>` (or an absolute path starting with `/scim/`). */
  call(method: string, path: string, options?: AdminCall): Promise<CallResult>;
  /** A key of `orgId` (Acme by default); returns its secret. */
  key(input: Partial<NewApiKeyInput>, orgId?: string): Promise<string>;
  close(): Promise<void>;
}

const ROUTES: readonly AdminRoute[] = adminRoutes({} as AdminContext);
/** The OpenAPI document of those routes, as served. */
export const DOCUMENT = buildOpenApiDocument(ROUTES, { version: 'test', basePath: '/api/v1' }) as unknown as OpenApiDocument;

/** The parts of the OpenAPI document the checks read. */
export interface OpenApiDocument {
  readonly paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: Record<string, unknown> }> }> }>>;
  readonly components: { readonly schemas: Record<string, Record<string, unknown>> };
}

/** The JSON Schema the document declares for a route's response status. */
function documentedSchema(route: AdminRoute, status: number): Record<string, unknown> | undefined {
  const responses = DOCUMENT.paths[route.path]?.[route.method]?.responses;
  return responses?.[String(status)]?.content?.['application/json']?.schema;
}

/** The declared route a request matched, for schema checks. */
export function routeOf(method: string, path: string): AdminRoute | undefined {
  const bare = path.split('?')[0] ?? path;
  return ROUTES.find((r) => r.method === method.toLowerCase() && new RegExp(`^${honoPath(r.path).replace(/:\w+/g, '[^/]+')}$`).test(bare));
}

/** Checks a response against what its route declares (success) or the error schema (failure). */
export function checkAgainstDocument(method: string, path: string, result: CallResult): void {
  const route = routeOf(method, path);
  if (result.status >= 400) {
    assert.match(result.headers.get('Content-Type') ?? '', /^application\/json/, `${method} ${path}: errors are JSON`);
    const parsed = ErrorBody.safeParse(result.json);
    assert.ok(parsed.success, `${method} ${path} → ${result.status}: not an Error body: ${result.text}`);
    assert.deepEqual(validate(result.json, { $ref: '#/components/schemas/Error' }, DOCUMENT.components.schemas), []);
    return;
  }
  assert.ok(route, `${method} ${path} answered ${result.status} but no route declares it`);
  const spec = route.responses[result.status];
  assert.ok(spec, `${method} ${path}: status ${result.status} is not declared (declared: ${Object.keys(route.responses).join(', ')})`);
  if (!spec.schema) return;
  const parsed = spec.schema.safeParse(result.json);
  assert.ok(parsed.success, `${method} ${path} → ${result.status} does not match its declared schema: ${parsed.error?.message}\n${result.text}`);
  const documented = documentedSchema(route, result.status);
  assert.ok(documented, `${method} ${path} → ${result.status}: the document has no schema for it`);
  assert.deepEqual(validate(result.json, documented, DOCUMENT.components.schemas), [], `${method} ${path} → ${result.status} against the OpenAPI document`);
}

/** A non-JSON response (CSV exports) as text. */
async function readText(response: Response): Promise<CallResult> {
  return { status: response.status, headers: response.headers, text: await response.text(), json: undefined };
}

/** Builds the app over a fresh store of `dialect` (SQLite by default). */
export async function createAdminHarness(dialect?: TestDialect): Promise<AdminHarness> {
  const chosen = dialect ?? (await testDialects())[0]!;
  let nowMs = Date.parse('2026-03-01T00:00:00.000Z');
  const clock = () => new Date(nowMs);
  const store = await chosen.open({ clock });
  // The same composition root as the server and the CLI, with test settings: no caches (a test
  // sees each change at once), a generous rate limit, small limits, loopback webhook receivers, and
  // the feed's long-poll (which waits in real time) short.
  const defaults = loadConfig({ DATABASE_URL: 'sqlite::memory:' });
  const config: Config = {
    ...defaults,
    publicUrl: ORIGIN,
    mailFrom: 'scimd@vendor.test',
    limits: TEST_LIMITS,
    rateLimit: { perSecond: 10_000, burst: 10_000 },
    apiKeys: { ...defaults.apiKeys, cacheTtlMs: 0 },
    events: { ...defaults.events, allowPrivateWebhooks: true, pollMs: 20 },
  };
  const { app, services, jobs } = buildScimd(config, store, { clock, now: () => nowMs, logger: testLogger('admin harness') });
  const { organizations: orgs, apiKeys: keys, operators, setupLinks } = services;
  const acme = (await orgs.create(SYSTEM_ACTOR, { name: 'Acme' })).id;
  const globex = (await orgs.create(SYSTEM_ACTOR, { name: 'Globex' })).id;
  await operators.create(OPERATOR);
  const session = (await operators.login(OPERATOR)).token;
  recordSecret(session);
  recordSecret(OPERATOR.password);

  async function call(method: string, path: string, options: AdminCall = {}): Promise<CallResult> {
    const headers: Record<string, string> = {};
    const bearer = options.token === undefined ? session : options.token;
    if (bearer !== null) headers['Authorization'] = `Bearer ${bearer}`;
    recordSecretsIn(options.body);
    const body = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    Object.assign(headers, options.headers);
    const url = `${ORIGIN}${path.startsWith('/scim/') ? path : `/api/v1${path}`}`;
    const env = { incoming: { socket: { remoteAddress: options.remoteAddress ?? '127.0.0.1' } } };
    const response = await app.request(url, { method, headers, ...(body === undefined ? {} : { body }) }, env);
    const result = /json/.test(response.headers.get('Content-Type') ?? '') ? await readResult(response) : await readText(response);
    recordSecretsIn(result.json);
    if (!path.startsWith('/scim/') && !path.startsWith('/openapi.json') && !path.includes('/audit/export')) checkAgainstDocument(method, path, result);
    return result;
  }

  return {
    app,
    store,
    acme,
    globex,
    session,
    keys,
    orgs,
    operators,
    setupLinks,
    advance: (ms) => {
      nowMs += ms;
    },
    now: clock,
    call,
    key: async (input, orgId = acme) => {
      const { secret } = await keys.create({ orgId, actor: SYSTEM_ACTOR }, { type: 'api', description: 'host app', ...input });
      recordSecret(secret);
      return secret;
    },
    async close() {
      await jobs.stop();
      await chosen.close(store);
    },
  };
}

/** Asserts an error response: status, scimType and a detail matching `detail`. */
export function assertError(result: CallResult, status: number, scimType: string | undefined, detail: RegExp): void {
  assert.equal(result.status, status, result.text);
  assert.equal(result.json?.scimType, scimType, result.text);
  assert.equal(result.json?.status, String(status));
  assert.deepEqual(result.json?.schemas, ['urn:ietf:params:scim:api:messages:2.0:Error']);
  assert.match(result.json?.detail ?? '', detail);
}

export { testDialects };
