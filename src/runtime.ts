/**
 * The composition root (STYLE.md §4): configuration → store → migrations → services → HTTP app →
 * listening socket, wired explicitly in one place. `startRuntime` returns a handle whose `close()`
 * shuts down gracefully: stop accepting, let in-flight requests finish (up to the shutdown
 * timeout), write pending key `lastUsedAt` times, close the database. The process entry
 * (src/main.ts) imports this module only when a command starts the server.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { createAdaptorServer } from '@hono/node-server';
import type { Logger } from 'pino';
import type { RunningServer, ServeInfo } from './cli/commands/serve.ts';
import { storeConfigOf, type Config } from './config.ts';
import { ScimError } from './core/scim-error.ts';
import { createApp, type AppDeps } from './http/app.ts';
import { createLogger } from './http/logger.ts';
import { createActivityService, type ActivityService } from './services/activity.ts';
import { createApiKeyService, type ApiKeyService } from './services/api-keys.ts';
import { createAuditService } from './services/audit.ts';
import { createEventService } from './services/events.ts';
import { createOrganizationService } from './services/organizations.ts';
import { createPolicyService, type UserRules } from './services/policies.ts';
import { createSchemaRegistries, type SchemaRegistries } from './services/schema-registries.ts';
import { createGroupService } from './services/scim-groups.ts';
import { createUserService } from './services/scim-users.ts';
import { buildAdministration } from './runtime-admin.ts';
import { buildEvents } from './runtime-events.ts';
import { createStore } from './store/create-store.ts';
import { migrateToLatest, type MigrationOutcome } from './store/migrations/migrate.ts';
import type { SqlStore } from './store/sql/sql-store.ts';
import { createSyncWorker } from './workers/sync-worker.ts';
import { createSyncNotices } from './services/sync-notices.ts';
import { MAX_HEADER_BYTES, answerClientErrors } from './http/client-error.ts';

/** A startup failure with a stable code (STYLE.md, Errors): the CLI prints the message and exits 1. */
export class StartupError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

export interface RuntimeOptions {
  /** The logger (JSON lines on stdout at config.logLevel by default). */
  readonly logger?: Logger;
  /** Called once the server listens, before the runtime's first log line. */
  readonly announce?: (info: ServeInfo) => void;
}

/** A running scimd. */
export interface Runtime extends RunningServer {
  readonly store: SqlStore;
}

async function openStore(config: Config): Promise<{ store: SqlStore; migrations: readonly MigrationOutcome[] }> {
  const store = createStore(storeConfigOf(config));
  try {
    const report = await migrateToLatest(store);
    if (report.error !== undefined) {
      const failed = report.results.find((r) => r.status === 'Error')?.name;
      // No failed migration means the run never started: the database itself is the problem.
      if (failed === undefined) throw report.error;
      const reason = report.error instanceof Error ? report.error.message : String(report.error);
      throw new StartupError('MIGRATION_FAILED', `database migration ${failed} failed: ${reason}`, { cause: report.error });
    }
    return { store, migrations: report.results };
  } catch (error) {
    await store.close().catch(() => undefined);
    if (error instanceof StartupError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new StartupError('DATABASE_UNAVAILABLE', `cannot open the ${config.database.kind} database: ${reason}`, { cause: error });
  }
}

function listen(server: Server, config: Config): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      const message = error.code === 'EADDRINUSE' ? `port ${config.port} on ${config.host} is already in use` : error.message;
      reject(new StartupError('LISTEN_FAILED', `cannot listen: ${message}`, { cause: error }));
    };
    server.once('error', onError);
    server.listen(config.port, config.host, () => {
      server.off('error', onError);
      resolve(server.address() as AddressInfo);
    });
  });
}

/** The base URL clients reach this server at: PUBLIC_URL, or the bound address (wildcards as localhost). */
export function publicBaseUrl(config: Config, address: AddressInfo): string {
  if (config.publicUrl !== undefined) return config.publicUrl;
  const wildcard = address.address === '0.0.0.0' || address.address === '::';
  const host = wildcard ? 'localhost' : address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `http://${host}:${address.port}`;
}

/**
 * The HTTP app's dependencies. Each organization's schemas (built-in plus its extension schemas)
 * come from `registries`, loaded once per SCIM request and by every use case.
 */
function appDeps(config: Config, store: SqlStore, apiKeys: ApiKeyService, logger: Logger, admin: AdminWiring): AppDeps {
  const { registries } = admin;
  const filterLimits = { maxLength: config.limits.maxFilterLength, maxDepth: config.limits.maxFilterDepth };
  return {
    store,
    users: createUserService({ store, schemasFor: registries.userSchemas, filterLimits, rulesFor: admin.rulesFor }),
    groups: createGroupService({ store, schemasFor: registries.groupSchemas, filterLimits, maxMembersReturned: config.limits.maxMembersReturned }),
    authenticator: apiKeys,
    registryFor: registries.registryFor,
    loadRegistry: registries.load,
    limits: config.limits,
    rateLimit: config.rateLimit,
    publicUrl: config.publicUrl,
    trustProxy: config.trustProxy,
    logger,
    activity: admin.activity,
  };
}

/** The administration services the SCIM app needs: the organization policies and the activity recorder. */
interface AdminWiring {
  readonly rulesFor: (orgId: string) => Promise<UserRules>;
  readonly activity: ActivityService;
  readonly registries: SchemaRegistries;
}

/** The built admin console (`npm run build:console`), next to src/ (and to a compiled dist/). */
const CONSOLE_ROOT = fileURLToPath(new URL('../console/dist', import.meta.url));

const RETENTION_INTERVAL_MS = 6 * 60 * 60 * 1000;

/**
 * Applies the retention settings now and every six hours: the revision history when
 * SCIMD_AUDIT_RETENTION_DAYS is set, activity counters and error samples always. Several instances
 * may prune at once; deleting old rows twice is harmless. Returns the function that stops it.
 */
function scheduleRetention(config: Config, store: SqlStore, activity: ActivityService, logger: Logger): () => void {
  const audit = createAuditService({ store });
  const run = async () => {
    try {
      const { auditDays, activityDays } = config.retention;
      const history = auditDays === undefined ? undefined : await audit.applyRetention(auditDays);
      const samples = await activity.applyRetention(activityDays);
      const events = await createEventService({ store }).applyRetention(config.events.retentionDays);
      if ((history?.deleted ?? 0) + samples + events.deleted > 0) {
        logger.info({ auditDeleted: history?.deleted ?? 0, activityDeleted: samples, eventsDeleted: events.deleted }, 'retention applied');
      }
    } catch (error) {
      logger.error({ err: error }, 'applying retention failed');
    }
  };
  void run();
  const timer = setInterval(() => void run(), RETENTION_INTERVAL_MS);
  timer.unref();
  return () => clearInterval(timer);
}

/** Closes the server: no new connections, idle keep-alive sockets closed, busy ones after the timeout. */
function closeServer(server: Server, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    const force = setTimeout(() => server.closeAllConnections(), timeoutMs);
    force.unref();
    server.close(() => {
      clearTimeout(force);
      resolve();
    });
    server.closeIdleConnections();
  });
}

/** Starts scimd for `config` (see the module comment). Startup errors are StartupError / ConfigError. */
export async function startRuntime(config: Config, options: RuntimeOptions = {}): Promise<Runtime> {
  const logger = options.logger ?? createLogger({ level: config.logLevel, format: config.logFormat ?? (process.stdout.isTTY ? 'pretty' : 'json') });
  const { store, migrations } = await openStore(config);
  const apiKeys = createApiKeyService({
    store,
    cacheTtlMs: config.apiKeys.cacheTtlMs,
    flushIntervalMs: config.apiKeys.lastUsedFlushMs,
    onFlushError: (error) => logger.error({ err: error }, 'writing key lastUsedAt failed'),
  });
  const policies = createPolicyService({ store, cacheTtlMs: config.apiKeys.cacheTtlMs, onChange: apiKeys.forgetOrganization });
  const activity = createActivityService({ store, onFlushError: (error) => logger.error({ err: error }, 'writing provisioning activity failed') });
  const organizations = createOrganizationService({
    store,
    onChange: (orgId) => {
      apiKeys.forgetOrganization(orgId);
      policies.forget(orgId);
    },
  });
  let bootstrap;
  try {
    bootstrap = await organizations.bootstrap(config.bootstrapToken === undefined ? {} : { token: config.bootstrapToken });
  } catch (error) {
    await activity.close();
    await store.close();
    if (error instanceof ScimError) throw new StartupError('BOOTSTRAP_TOKEN_INVALID', `SCIMD_BOOTSTRAP_TOKEN: ${error.detail}`);
    throw error;
  }
  const registries = createSchemaRegistries({ store });
  const base = appDeps(config, store, apiKeys, logger, { rulesFor: policies.rulesFor, activity, registries });
  const administration = buildAdministration(config, store, { organizations, apiKeys, policies, activity, users: base.users, groups: base.groups, registries }, logger);
  const events = buildEvents(config, store, administration.services.mail, logger);
  const app = createApp({ ...base, admin: { ...administration.services, ...events.services }, consoleRoot: CONSOLE_ROOT });
  const server = createAdaptorServer({ fetch: app.fetch, serverOptions: { maxHeaderSize: MAX_HEADER_BYTES } }) as Server;
  answerClientErrors(server);
  let address: AddressInfo;
  try {
    address = await listen(server, config);
  } catch (error) {
    await apiKeys.close();
    await activity.close();
    await administration.stop();
    await store.close();
    throw error;
  }
  administration.start();
  // Stored sync jobs (`scimd sync job put`) run on their schedule, leased across instances.
  const syncWorker = createSyncWorker({
    store,
    env: process.env,
    onCycle: (summary) => logger.info({ sync: summary }, 'sync cycle finished'),
    onBlocked: (orgId, summary) => createSyncNotices({ store, mail: administration.services.mail }).deletionsHeld(orgId, summary),
    onFailure: (job, error) => logger.error({ err: error, jobId: job.id }, 'sync cycle failed'),
    onRunError: (error) => logger.error({ err: error }, 'sync worker run failed'),
  });
  syncWorker.start();
  events.start();
  const stopRetention = scheduleRetention(config, store, activity, logger);
  const url = publicBaseUrl(config, address);
  const info: ServeInfo = { url, tenantUrl: `${url}/scim/v2`, consoleUrl: `${url}/console`, bootstrap };
  options.announce?.(info);
  logger.info(
    { url, tenantUrl: info.tenantUrl, listen: `${address.address}:${address.port}`, database: config.database.kind, migrationsApplied: migrations.map((m) => m.name), firstStart: bootstrap.status === 'created' },
    'scimd listening',
  );

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      logger.info('shutting down: no new connections, finishing in-flight requests');
      await closeServer(server, config.shutdownTimeoutMs);
      await apiKeys.close().catch((error: unknown) => logger.error({ err: error }, 'writing key lastUsedAt failed'));
      stopRetention();
      await syncWorker.stop().catch((error: unknown) => logger.error({ err: error }, 'stopping the sync worker failed'));
      await administration.stop().catch((error: unknown) => logger.error({ err: error }, 'stopping the reminder worker failed'));
      await events.stop().catch((error: unknown) => logger.error({ err: error }, 'stopping the webhook worker failed'));
      await activity.close().catch((error: unknown) => logger.error({ err: error }, 'writing provisioning activity failed'));
      await store.close();
      logger.info('scimd stopped');
    })());
  return { ...info, store, close };
}
