/**
 * The only reader of process.env. Configuration comes from environment variables, optionally
 * overridden by CLI flags, and is validated once: every problem is listed together in one startup
 * error (code `CONFIG_INVALID`) before anything listens.
 */
import { isAbsolute, join, resolve } from 'node:path';
import { z } from 'zod';
import { DEFAULT_POLICY_PRESET, POLICY_PRESET_NAMES, type PolicyPresetName } from './services/policies.ts';

export interface Config {
  readonly host: string;
  readonly port: number;
  /** The externally visible base URL (e.g. https://scim.example.com); the Tenant URL is `${publicUrl}/scim/v2`. */
  readonly publicUrl: string | undefined;
  readonly database:
    | { readonly kind: 'sqlite'; readonly path: string; readonly synchronous: 'full' | 'normal' }
    | { readonly kind: 'postgres'; readonly url: string; readonly poolSize: number };
  readonly dataDir: string;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** LOG_FORMAT: `json` or `pretty`; undefined means pretty on a terminal, JSON otherwise. */
  readonly logFormat: 'json' | 'pretty' | undefined;
  readonly bootstrapToken: string | undefined;
  readonly limits: {
    readonly maxBodyBytes: number;
    readonly maxPageSize: number;
    readonly defaultPageSize: number;
    readonly maxFilterLength: number;
    readonly maxFilterDepth: number;
    readonly bulkMaxOperations: number;
    readonly bulkMaxPayloadBytes: number;
    readonly maxMembersReturned: number;
  };
  /** `redisUrl` (REDIS_URL): share the per-key buckets across instances through Redis. */
  readonly rateLimit: { readonly perSecond: number; readonly burst: number; readonly redisUrl?: string };
  readonly smtpUrl: string | undefined;
  readonly mailFrom: string;
  readonly shutdownTimeoutMs: number;
  /** Behind a reverse proxy: client IP from X-Forwarded-For, base URL from X-Forwarded-Proto/-Host. */
  readonly trustProxy: boolean;
  /** API key lookups: how long a successful lookup is reused, and how often `lastUsedAt` is written. */
  readonly apiKeys: { readonly cacheTtlMs: number; readonly lastUsedFlushMs: number };
  /** Days the revision history is kept (undefined: forever) and days activity counters and error samples are kept. */
  readonly retention: { readonly auditDays: number | undefined; readonly activityDays: number };
  /** Key-expiry reminders: days before expiry the first mail goes out, and how often the worker runs. */
  readonly reminders: { readonly leadDays: number; readonly intervalMs: number };
  /** How long an operator session lasts after login. */
  readonly operatorSessionTtlHours: number;
  /** Host-application events: feed retention and webhook delivery. */
  readonly events: {
    readonly retentionDays: number;
    /**
     * Where `scimd serve` delivers webhooks: `thread` (a worker thread with its own database
     * connection, the default), `inline` (on the event loop that serves requests), or `off` (a
     * `scimd webhook deliver` process does). docs/events.md, "Where delivery runs".
     */
    readonly delivery: WebhookDeliveryMode;
    /** Days webhook attempts and finished deliveries are kept. */
    readonly webhookLogRetentionDays: number;
    /** Allow http and loopback/private webhook addresses (development and tests only). */
    readonly allowPrivateWebhooks: boolean;
    readonly webhookTimeoutMs: number;
    /** Delays before each retry; undefined: the built-in schedule (docs/events.md). */
    readonly webhookRetryScheduleMs: readonly number[] | undefined;
    /** Idle interval of the delivery worker and of feed long-polls. */
    readonly pollMs: number;
    /** How long a delivery is leased to one instance. */
    readonly webhookLeaseMs: number;
    /**
     * The nice value the delivery thread gives itself (0: none), so that under CPU saturation the
     * scheduler prefers the threads that serve requests and delivery catches up afterwards.
     */
    readonly deliveryNice: number;
  };
  /** The policy preset of organizations created without one (`rfc-open` or `email-identity`). */
  readonly defaultPolicyPreset: PolicyPresetName;
}

/** Where `scimd serve` runs webhook delivery (SCIMD_WEBHOOK_DELIVERY). */
export type WebhookDeliveryMode = 'thread' | 'inline' | 'off';

/** SCIMD_WEBHOOK_DELIVERY's values: `true`/`1` keep their old meaning (deliver, now in a thread). */
const DELIVERY_MODES: Readonly<Record<string, WebhookDeliveryMode>> = { thread: 'thread', inline: 'inline', false: 'off', true: 'thread', 1: 'thread', 0: 'off' };

/** A startup error with a stable code; the CLI prints it and exits non-zero. */
export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.problems = problems;
  }
}

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

const schema = z.object({
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: int(0, 65535).default(8080),
  PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
  DATABASE_URL: z
    .string()
    .refine((v) => /^(postgres(ql)?|sqlite):/.test(v) || v === ':memory:', 'must start with postgres://, postgresql:// or sqlite:')
    .optional(),
  DATA_DIR: z.string().min(1).default('./data'),
  SCIMD_SQLITE_SYNCHRONOUS: z.enum(['full', 'normal']).default('full'),
  SCIMD_PG_POOL_SIZE: int(1, 1000).default(10),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  LOG_FORMAT: z.enum(['json', 'pretty']).optional(),
  SCIMD_BOOTSTRAP_TOKEN: z.string().min(32, 'must be at least 32 characters').optional(),
  SCIMD_MAX_BODY_BYTES: int(1024, 100 * 1024 * 1024).default(1024 * 1024),
  SCIMD_MAX_PAGE_SIZE: int(1, 10_000).default(1000),
  SCIMD_DEFAULT_PAGE_SIZE: int(1, 10_000).default(100),
  SCIMD_MAX_FILTER_LENGTH: int(16, 65_536).default(4096),
  SCIMD_MAX_FILTER_DEPTH: int(1, 256).default(32),
  SCIMD_BULK_MAX_OPERATIONS: int(1, 100_000).default(1000),
  SCIMD_BULK_MAX_PAYLOAD_BYTES: int(1024, 100 * 1024 * 1024).default(1024 * 1024),
  SCIMD_MAX_MEMBERS_RETURNED: int(0, 1_000_000).default(10_000),
  SCIMD_RATE_LIMIT_PER_SECOND: z.coerce.number().positive().max(1_000_000).default(200),
  SCIMD_RATE_LIMIT_BURST: int(1, 1_000_000).default(400),
  REDIS_URL: z.url({ protocol: /^redis$/ }).optional(),
  SMTP_URL: z.string().regex(/^smtps?:\/\//, 'must start with smtp:// or smtps://').optional(),
  MAIL_FROM: z.string().min(3).default('scimd <scimd@localhost>'),
  SCIMD_SHUTDOWN_TIMEOUT_MS: int(0, 600_000).default(10_000),
  SCIMD_TRUST_PROXY: z.enum(['true', 'false', '1', '0']).default('false'),
  SCIMD_KEY_CACHE_TTL_MS: int(0, 10_000).default(2000),
  SCIMD_KEY_LAST_USED_FLUSH_MS: int(100, 3_600_000).default(1000),
  SCIMD_AUDIT_RETENTION_DAYS: int(1, 36_500).optional(),
  SCIMD_ACTIVITY_RETENTION_DAYS: int(1, 3650).default(30),
  SCIMD_KEY_REMINDER_DAYS: int(1, 365).default(30),
  SCIMD_WORKER_INTERVAL_MS: int(1000, 3_600_000).default(60_000),
  SCIMD_OPERATOR_SESSION_HOURS: int(1, 720).default(12),
  SCIMD_EVENT_RETENTION_DAYS: int(1, 3650).default(30),
  SCIMD_WEBHOOK_LOG_RETENTION_DAYS: int(1, 3650).default(30),
  SCIMD_WEBHOOK_DELIVERY: z.enum(['thread', 'inline', 'false', 'true', '1', '0']).default('thread'),
  SCIMD_WEBHOOK_ALLOW_PRIVATE: z.enum(['true', 'false', '1', '0']).default('false'),
  SCIMD_WEBHOOK_TIMEOUT_MS: int(100, 60_000).default(10_000),
  SCIMD_WEBHOOK_RETRY_SCHEDULE_MS: z
    .string()
    .regex(/^\d+(,\d+)*$/, 'must be a comma-separated list of milliseconds')
    .optional(),
  SCIMD_EVENT_POLL_MS: int(10, 60_000).default(250),
  SCIMD_WEBHOOK_LEASE_MS: int(1000, 3_600_000).default(60_000),
  SCIMD_WEBHOOK_DELIVERY_NICE: int(0, 19).default(10),
  SCIMD_DEFAULT_POLICY_PRESET: z
    .string()
    .refine((v) => (POLICY_PRESET_NAMES as string[]).includes(v), `must be one of ${POLICY_PRESET_NAMES.join(', ')}`)
    .default(DEFAULT_POLICY_PRESET),
});

function describeIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
}

function databaseOf(url: string | undefined, dataDir: string, synchronous: 'full' | 'normal', poolSize: number): Config['database'] {
  if (url === undefined) return { kind: 'sqlite', path: join(dataDir, 'scimd.db'), synchronous };
  if (url === ':memory:') return { kind: 'sqlite', path: ':memory:', synchronous };
  if (url.startsWith('sqlite:')) {
    const path = url.slice('sqlite:'.length).replace(/^\/\//, '');
    return { kind: 'sqlite', path: path === ':memory:' || isAbsolute(path) ? path : resolve(path), synchronous };
  }
  return { kind: 'postgres', url, poolSize };
}

/** What `createStore` (store/create-store.ts) needs to open the configured database. */
export function storeConfigOf(config: Pick<Config, 'database'>): { readonly url: string; readonly sqliteSynchronous?: 'full' | 'normal'; readonly maxConnections?: number } {
  const { database } = config;
  return database.kind === 'postgres' ? { url: database.url, maxConnections: database.poolSize } : { url: database.path, sqliteSynchronous: database.synchronous };
}

/**
 * Reads and validates the configuration from `env` (defaults to process.env) with `overrides`
 * (e.g. CLI flags, keyed by the environment variable name) taking precedence.
 */
export function loadConfig(
  env: Readonly<Record<string, string | undefined>> = process.env,
  overrides: Readonly<Record<string, string | undefined>> = {},
): Config {
  const merged: Record<string, string> = {};
  for (const [key, value] of Object.entries({ ...env, ...overrides })) {
    if (value !== undefined && value !== '') merged[key] = value;
  }
  const parsed = schema.safeParse(merged);
  if (!parsed.success) throw new ConfigError(describeIssues(parsed.error));
  const e = parsed.data;
  const problems: string[] = [];
  if (e.SCIMD_DEFAULT_PAGE_SIZE > e.SCIMD_MAX_PAGE_SIZE) {
    problems.push('SCIMD_DEFAULT_PAGE_SIZE: must not exceed SCIMD_MAX_PAGE_SIZE');
  }
  if (e.SCIMD_RATE_LIMIT_BURST < e.SCIMD_RATE_LIMIT_PER_SECOND / 10) {
    problems.push('SCIMD_RATE_LIMIT_BURST: must be at least a tenth of SCIMD_RATE_LIMIT_PER_SECOND');
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    host: e.HOST,
    port: e.PORT,
    publicUrl: e.PUBLIC_URL?.replace(/\/+$/, ''),
    database: databaseOf(e.DATABASE_URL, e.DATA_DIR, e.SCIMD_SQLITE_SYNCHRONOUS, e.SCIMD_PG_POOL_SIZE),
    dataDir: e.DATA_DIR,
    logLevel: e.LOG_LEVEL,
    logFormat: e.LOG_FORMAT,
    bootstrapToken: e.SCIMD_BOOTSTRAP_TOKEN,
    limits: {
      maxBodyBytes: e.SCIMD_MAX_BODY_BYTES,
      maxPageSize: e.SCIMD_MAX_PAGE_SIZE,
      defaultPageSize: e.SCIMD_DEFAULT_PAGE_SIZE,
      maxFilterLength: e.SCIMD_MAX_FILTER_LENGTH,
      maxFilterDepth: e.SCIMD_MAX_FILTER_DEPTH,
      bulkMaxOperations: e.SCIMD_BULK_MAX_OPERATIONS,
      bulkMaxPayloadBytes: e.SCIMD_BULK_MAX_PAYLOAD_BYTES,
      maxMembersReturned: e.SCIMD_MAX_MEMBERS_RETURNED,
    },
    rateLimit: { perSecond: e.SCIMD_RATE_LIMIT_PER_SECOND, burst: e.SCIMD_RATE_LIMIT_BURST, ...(e.REDIS_URL === undefined ? {} : { redisUrl: e.REDIS_URL }) },
    smtpUrl: e.SMTP_URL,
    mailFrom: e.MAIL_FROM,
    shutdownTimeoutMs: e.SCIMD_SHUTDOWN_TIMEOUT_MS,
    trustProxy: e.SCIMD_TRUST_PROXY === 'true' || e.SCIMD_TRUST_PROXY === '1',
    apiKeys: { cacheTtlMs: e.SCIMD_KEY_CACHE_TTL_MS, lastUsedFlushMs: e.SCIMD_KEY_LAST_USED_FLUSH_MS },
    retention: { auditDays: e.SCIMD_AUDIT_RETENTION_DAYS, activityDays: e.SCIMD_ACTIVITY_RETENTION_DAYS },
    reminders: { leadDays: e.SCIMD_KEY_REMINDER_DAYS, intervalMs: e.SCIMD_WORKER_INTERVAL_MS },
    operatorSessionTtlHours: e.SCIMD_OPERATOR_SESSION_HOURS,
    events: {
      retentionDays: e.SCIMD_EVENT_RETENTION_DAYS,
      webhookLogRetentionDays: e.SCIMD_WEBHOOK_LOG_RETENTION_DAYS,
      delivery: DELIVERY_MODES[e.SCIMD_WEBHOOK_DELIVERY] ?? 'thread',
      allowPrivateWebhooks: e.SCIMD_WEBHOOK_ALLOW_PRIVATE === 'true' || e.SCIMD_WEBHOOK_ALLOW_PRIVATE === '1',
      webhookTimeoutMs: e.SCIMD_WEBHOOK_TIMEOUT_MS,
      webhookRetryScheduleMs: e.SCIMD_WEBHOOK_RETRY_SCHEDULE_MS?.split(',').map(Number),
      pollMs: e.SCIMD_EVENT_POLL_MS,
      webhookLeaseMs: e.SCIMD_WEBHOOK_LEASE_MS,
      deliveryNice: e.SCIMD_WEBHOOK_DELIVERY_NICE,
    },
    defaultPolicyPreset: e.SCIMD_DEFAULT_POLICY_PRESET as PolicyPresetName,
  };
}
