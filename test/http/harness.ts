/**
 * An in-process scimd app for HTTP tests: a migrated store (SQLite in memory, or a fresh
 * PostgreSQL database), the real user, group, organization and API-key services, one organization
 * with a SCIM key, and `call()` which sends a request through `app.request()` — no socket.
 */
import { Writable } from 'node:stream';
import { gunzipSync } from 'node:zlib';
import type { Hono } from 'hono';
import { createApp, type AppDeps } from '../../src/http/app.ts';
import type { AppEnv } from '../../src/http/env.ts';
import { createLogger } from '../../src/http/logger.ts';
import type { HttpLimits } from '../../src/http/scim/scim-context.ts';
import { createSchemaRegistry } from '../../src/core/schema/registry.ts';
import { createApiKeyService, type ApiKeyService, type NewApiKeyInput } from '../../src/services/api-keys.ts';
import { createOrganizationService, SYSTEM_ACTOR, type OrganizationService } from '../../src/services/organizations.ts';
import { createGroupService } from '../../src/services/scim-groups.ts';
import { createUserService } from '../../src/services/scim-users.ts';
import type { SqlStore } from '../../src/store/sql/sql-store.ts';
import { testDialects, type TestDialect } from '../store/harness.ts';
import { captureLogChunk, recordSecret, recordSecretsIn } from '../log-capture.ts';

export const SCIM_JSON = 'application/scim+json; charset=utf-8';
export const BASE = 'http://scim.test/scim/v2';

export const TEST_LIMITS: HttpLimits & { maxFilterLength: number; maxFilterDepth: number; maxMembersReturned: number } = {
  maxBodyBytes: 64 * 1024,
  maxPageSize: 200,
  defaultPageSize: 100,
  bulkMaxOperations: 20,
  bulkMaxPayloadBytes: 128 * 1024,
  maxFilterLength: 512,
  maxFilterDepth: 8,
  maxMembersReturned: 10_000,
};

export interface HarnessOptions {
  readonly dialect?: TestDialect;
  readonly rateLimit?: { perSecond: number; burst: number };
  readonly limits?: Partial<typeof TEST_LIMITS>;
  readonly trustProxy?: boolean;
  readonly publicUrl?: string;
  /** Replaces parts of the app's dependencies (e.g. a failing store for /readyz). */
  readonly overrides?: (deps: AppDeps) => Partial<AppDeps>;
}

export interface CallOptions {
  readonly body?: unknown;
  /** Sent as-is instead of JSON-encoding `body`. */
  readonly rawBody?: string | Uint8Array;
  readonly headers?: Record<string, string>;
  /** Bearer token; `null` sends no Authorization header. Defaults to the organization's SCIM key. */
  readonly token?: string | null;
  /** The socket peer address @hono/node-server would report. */
  readonly remoteAddress?: string;
  /**
   * The body's password values are generated noise (fuzzing), not secrets for the log check
   * (test/log-capture.ts) to look for.
   */
  readonly noise?: boolean;
}

export interface CallResult {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  /** The parsed body (undefined when empty). */
  readonly json: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export interface Harness {
  readonly app: Hono<AppEnv>;
  readonly store: SqlStore;
  readonly orgId: string;
  readonly token: string;
  readonly keys: ApiKeyService;
  readonly orgs: OrganizationService;
  /** Log lines written by the app, parsed. */
  readonly logs: Record<string, unknown>[];
  /** Moves the rate limiter's and the key service's clocks forward. */
  advance(ms: number): void;
  call(method: string, path: string, options?: CallOptions): Promise<CallResult>;
  /** Creates another key in the organization (or in `orgId`). */
  newKey(input: Partial<NewApiKeyInput>, orgId?: string): Promise<string>;
  close(): Promise<void>;
}

/** Parses a response the way a client would, gunzipping a compressed body. */
export async function readResult(response: Response): Promise<CallResult> {
  const bytes = Buffer.from(await response.arrayBuffer());
  const text = (response.headers.get('Content-Encoding') === 'gzip' ? gunzipSync(bytes) : bytes).toString('utf8');
  return { status: response.status, headers: response.headers, text, json: text === '' ? undefined : JSON.parse(text) };
}

function logSink(lines: Record<string, unknown>[]): Writable {
  return new Writable({
    write(chunk, _encoding, done) {
      captureLogChunk('http harness', String(chunk));
      for (const line of String(chunk).split('\n')) if (line.trim() !== '') lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
}

/** Builds the app over a fresh store of `options.dialect` (SQLite by default). */
export async function createHarness(options: HarnessOptions = {}): Promise<Harness> {
  const dialect = options.dialect ?? (await testDialects())[0]!;
  let nowMs = Date.parse('2026-03-01T00:00:00.000Z');
  const clock = () => new Date(nowMs);
  const store = await dialect.open({});
  const limits = { ...TEST_LIMITS, ...options.limits };
  const registry = createSchemaRegistry();
  const filterLimits = { maxLength: limits.maxFilterLength, maxDepth: limits.maxFilterDepth };
  const keys = createApiKeyService({ store, clock, cacheTtlMs: 0, flushIntervalMs: 60_000 });
  const orgs = createOrganizationService({ store, clock, onChange: (id) => keys.forgetOrganization(id) });
  const org = await orgs.create(SYSTEM_ACTOR, { name: 'Acme' });
  const logs: Record<string, unknown>[] = [];
  const deps: AppDeps = {
    store,
    users: createUserService({ store, schemasFor: () => registry.user, filterLimits }),
    groups: createGroupService({ store, schemasFor: () => registry.group, filterLimits, maxMembersReturned: limits.maxMembersReturned }),
    authenticator: keys,
    registryFor: () => registry,
    limits,
    rateLimit: options.rateLimit ?? { perSecond: 10_000, burst: 10_000 },
    ...(options.publicUrl === undefined ? {} : { publicUrl: options.publicUrl }),
    ...(options.trustProxy === undefined ? {} : { trustProxy: options.trustProxy }),
    logger: createLogger({ level: 'info', destination: logSink(logs) }),
    now: () => nowMs,
  };
  const app = createApp({ ...deps, ...options.overrides?.(deps) });
  const newKey = async (input: Partial<NewApiKeyInput>, orgId = org.id) => {
    const { secret } = await keys.create({ orgId, actor: SYSTEM_ACTOR }, { type: 'scim', description: 'test key', ...input });
    recordSecret(secret);
    return secret;
  };
  const token = await newKey({ description: 'Entra' });
  const harness: Harness = {
    app,
    store,
    orgId: org.id,
    token,
    keys,
    orgs,
    logs,
    advance: (ms) => {
      nowMs += ms;
    },
    newKey,
    async call(method, path, call = {}) {
      const headers: Record<string, string> = {};
      const bearer = call.token === undefined ? token : call.token;
      if (call.noise !== true) recordSecretsIn(call.body);
      if (bearer !== null) headers['Authorization'] = `Bearer ${bearer}`;
      const body = call.rawBody ?? (call.body === undefined ? undefined : JSON.stringify(call.body));
      if (body !== undefined) headers['Content-Type'] = SCIM_JSON;
      Object.assign(headers, call.headers);
      const url = path.startsWith('http') ? path : `${BASE}${path}`;
      const env = { incoming: { socket: { remoteAddress: call.remoteAddress ?? '127.0.0.1' } } };
      return readResult(await app.request(url, { method, headers, ...(body === undefined ? {} : { body }) }, env));
    },
    async close() {
      await keys.close();
      await dialect.close(store);
    },
  };
  return harness;
}

/** The dialects to loop a suite over: SQLite always, PostgreSQL when reachable (see test/store/harness.ts). */
export { testDialects };
