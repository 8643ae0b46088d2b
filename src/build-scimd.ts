/**
 * The one place that wires scimd (STYLE.md §4, fastify's build/listen split): `buildScimd(config,
 * store)` builds every service over an opened, migrated store, the HTTP app over them, and the
 * background jobs — without opening a socket or starting a timer. `runtime.ts` adds listening and
 * starts the jobs; the CLI's administration commands use the services; test harnesses use all three.
 */
import { fileURLToPath } from 'node:url';
import type { Hono } from 'hono';
import type { Logger } from 'pino';
import type { Config } from './config.ts';
import type { AdminServices } from './http/admin/deps.ts';
import { createApp } from './http/app.ts';
import type { AppEnv } from './http/env.ts';
import { createLogger } from './http/logger.ts';
import { createSmtpTransport } from './mail/smtp-transport.ts';
import { createActivityService } from './services/activity.ts';
import { createApiKeyService } from './services/api-keys.ts';
import { createAuditService } from './services/audit.ts';
import { createDirectoryService } from './services/directory.ts';
import { createKeyReminderService } from './services/key-reminders.ts';
import { createMailService, type MailTransport } from './services/mail.ts';
import { createOperatorService } from './services/operators.ts';
import { createOrganizationService } from './services/organizations.ts';
import { createPolicyService } from './services/policies.ts';
import { createRoleService } from './services/roles.ts';
import { createSchemaExtensionService } from './services/schema-extensions.ts';
import { createSchemaRegistries } from './services/schema-registries.ts';
import { createSyncNotices } from './services/sync-notices.ts';
import { createProvisioningService } from './sync/provisioning-service.ts';
import { createGroupService } from './services/scim-groups.ts';
import { createUserService } from './services/scim-users.ts';
import { createSetupLinkService } from './services/setup-links.ts';
import { withCommitSignal } from './store/commit-signal.ts';
import type { Store } from './store/store.ts';
import { createReminderWorker } from './workers/key-reminder-worker.ts';
import { createEventRetentionWorker } from './workers/event-retention-worker.ts';
import { createPeriodicTask } from './workers/periodic.ts';
import { createRetentionWorker } from './workers/retention-worker.ts';
import { createSessionPurgeWorker } from './workers/session-purge-worker.ts';
import { createSyncWorker } from './workers/sync-worker.ts';
import { buildEvents } from './runtime-events.ts';
import { createRateLimiter } from './http/rate-limit.ts';
import { createRedisRateLimiter } from './http/redis-rate-limit.ts';
import { createRespClient } from './http/resp-client.ts';

const DAY_MS = 24 * 60 * 60 * 1000;
/** The built admin console (`npm run build:console`), next to src/ (and to a compiled dist/). */
const CONSOLE_ROOT = fileURLToPath(new URL('../console/dist', import.meta.url));
/** How often provisioning activity counters are written. */
const ACTIVITY_FLUSH_MS = 10_000;

export interface BuildOptions {
  /** The logger (silent by default). */
  readonly logger?: Logger;
  /** The mail transport; by default SMTP when `config.smtpUrl` is set, else none (mails are only logged). */
  readonly mailTransport?: MailTransport;
  /** The clock of every service (tests pass a fake one). */
  readonly clock?: () => Date;
  /** The rate limiter's milliseconds clock (`performance.now` by default). */
  readonly now?: () => number;
  /** Where the built console is served from (console/dist by default). */
  readonly consoleRoot?: string;
}

/** The background jobs: started once the server listens, stopped before the store closes. */
export interface ScimdJobs {
  /** Starts the reminder, retention and session-purge workers and the periodic flushes. */
  start(): void;
  /** Stops them (waiting for runs in progress) and writes what is pending (key uses, activity). */
  stop(): Promise<void>;
}

/** Builds scimd over `database` for `config`: services, HTTP app and jobs, nothing running yet. */
export function buildScimd(config: Config, database: Store, options: BuildOptions = {}) {
  const logger = options.logger ?? createLogger({ level: 'silent' });
  const clock = options.clock ?? (() => new Date());
  const logError = (message: string) => (error: unknown) => logger.error({ err: error }, message);
  const transport = options.mailTransport ?? (config.smtpUrl === undefined ? undefined : createSmtpTransport(config.smtpUrl));
  const mail = createMailService({
    store: database,
    from: config.mailFrom,
    transport,
    onMail: (m) => {
      const line = { orgId: m.orgId, mailId: m.id, kind: m.kind, to: m.recipients, subject: m.subject, status: m.status };
      if (m.status === 'logged') logger.info({ ...line, body: m.body }, 'mail recorded (no SMTP_URL configured)');
      else if (m.status === 'sent') logger.info(line, 'mail sent');
      else logger.warn({ ...line, error: m.error }, m.status === 'failed' ? 'mail could not be sent' : 'mail skipped');
    },
  });
  const events = buildEvents(config, database, mail, logger, clock);
  // Everything else writes through `store`: each commit wakes webhook delivery at once.
  const store = withCommitSignal(database, events.wake);
  // Each organization's schemas: the built-in ones plus the extension schemas it registered.
  const registries = createSchemaRegistries({ store });
  const filterLimits = { maxLength: config.limits.maxFilterLength, maxDepth: config.limits.maxFilterDepth };

  // Timers belong to the jobs: the services are built with their own flush timers off.
  const apiKeys = createApiKeyService({ store, clock, cacheTtlMs: config.apiKeys.cacheTtlMs, flushIntervalMs: 0 });
  const policies = createPolicyService({ store, clock, cacheTtlMs: config.apiKeys.cacheTtlMs, onChange: apiKeys.forgetOrganization });
  const activity = createActivityService({ store, clock, flushIntervalMs: 0 });
  const organizations = createOrganizationService({
    store,
    clock,
    defaultPreset: config.defaultPolicyPreset,
    onChange: (orgId) => {
      apiKeys.forgetOrganization(orgId);
      policies.forget(orgId);
    },
  });
  const users = createUserService({ store, schemasFor: registries.userSchemas, filterLimits, rulesFor: policies.rulesFor });
  const groups = createGroupService({ store, schemasFor: registries.groupSchemas, filterLimits, maxMembersReturned: config.limits.maxMembersReturned });
  const reminders = createKeyReminderService({ store, mail, clock, leadMs: config.reminders.leadDays * DAY_MS });
  const operators = createOperatorService({ store, clock, sessionTtlMs: config.operatorSessionTtlHours * 60 * 60 * 1000 });
  const audit = createAuditService({ store, clock });
  const syncNotices = createSyncNotices({ store, mail });
  // Stored sync jobs (`scimd sync job put`) run on their schedule, leased across instances.
  const syncWorker = createSyncWorker({
    store,
    env: process.env,
    onCycle: (summary) => logger.info({ sync: summary }, 'sync cycle finished'),
    // Every held cycle is logged; the hold mail (notify) goes out at most once an hour.
    onBlocked: async (orgId, summary) => logger.warn({ orgId, sync: summary }, 'sync cycle held at the deletion threshold'),
    notify: (orgId) => syncNotices.notifyFor(orgId),
    onFailure: (job, error) => logger.error({ err: error, jobId: job.id }, 'sync cycle failed'),
    onRunError: logError('sync worker run failed'),
  });
  const services = {
    organizations,
    apiKeys,
    policies,
    activity,
    users,
    groups,
    operators,
    setupLinks: createSetupLinkService({ store, clock }),
    directory: createDirectoryService({ store, userSchemas: registries.userSchemas, groupSchemas: registries.groupSchemas, filterLimits }),
    roles: createRoleService({ store, onChange: policies.forget }),
    schemaExtensions: createSchemaExtensionService({ store, onChange: registries.forget }),
    ...events.services,
    audit,
    mail,
    reminders,
    // Start and restart wake this instance's sync worker, so the cycle begins now, not at its next look.
    provisioning: createProvisioningService({ store, env: process.env, clock, onScheduled: () => syncWorker.wake(), beforeRestart: (name) => syncWorker.interrupt(name) }),
  } satisfies AdminServices;

  const shared = sharedRateLimiter(config, logger, options.now);
  const app: Hono<AppEnv> = createApp({
    store,
    users,
    groups,
    authenticator: apiKeys,
    registryFor: registries.registryFor,
    loadRegistry: registries.load,
    consoleRoot: options.consoleRoot ?? CONSOLE_ROOT,
    limits: config.limits,
    rateLimit: config.rateLimit,
    ...(shared === undefined ? {} : { rateLimiter: shared.limiter }),
    publicUrl: config.publicUrl,
    trustProxy: config.trustProxy,
    logger,
    activity,
    admin: services,
    ...(options.now === undefined ? {} : { now: options.now }),
  });

  const tasks = [
    createReminderWorker({
      store,
      reminders,
      intervalMs: config.reminders.intervalMs,
      onDelivered: (job, outcome) => logger.info({ jobId: job.id, kind: job.kind, orgId: job.orgId, outcome }, 'key reminder handled'),
      onFailure: (job, error) => logger.warn({ err: error, jobId: job.id, kind: job.kind, attempts: job.attempts }, 'key reminder failed; will retry'),
      onRunError: logError('key reminder run failed'),
    }),
    createSessionPurgeWorker(operators, logError('deleting expired operator sessions failed')),
    createRetentionWorker({
      audit,
      activity,
      retention: config.retention,
      onApplied: (deleted) => logger.info({ auditDeleted: deleted.audit, activityDeleted: deleted.activity }, 'retention applied'),
      onError: logError('applying retention failed'),
    }),
    createPeriodicTask(() => apiKeys.flushLastUsed(), { intervalMs: config.apiKeys.lastUsedFlushMs, runAtStart: false, onError: logError('writing key lastUsedAt failed') }),
    createEventRetentionWorker({
      ...events.services,
      retention: { eventDays: config.events.retentionDays, webhookLogDays: config.events.webhookLogRetentionDays },
      onApplied: (deleted) => logger.info({ eventsDeleted: deleted.events, deliveriesDeleted: deleted.deliveries, attemptsDeleted: deleted.attempts }, 'event retention applied'),
      onError: logError('applying event retention failed'),
    }),
    syncWorker,
    events,
    createPeriodicTask(() => activity.flush(), { intervalMs: ACTIVITY_FLUSH_MS, runAtStart: false, onError: logError('writing provisioning activity failed') }),
  ];
  const jobs: ScimdJobs = {
    start() {
      for (const task of tasks) task.start();
    },
    async stop() {
      for (const task of tasks) await task.stop().catch(logError('stopping a background job failed'));
      await apiKeys.close().catch(logError('writing key lastUsedAt failed'));
      await activity.close().catch(logError('writing provisioning activity failed'));
      mail.close();
      await shared?.client.close().catch(logError('closing the Redis connection failed'));
    },
  };
  /** The webhook delivery worker alone, on this event loop (`scimd webhook deliver`, the delivery thread). */
  const webhookDelivery: ScimdJobs & { wake(): void } = { start: () => events.startDelivery(), wake: () => events.wake(), stop: () => events.stop() };
  return { app, services, jobs, webhookDelivery };
}

/** With REDIS_URL, the per-key rate limit shared by every instance through Redis (per instance while Redis is down). */
function sharedRateLimiter(config: Config, logger: Logger, now: (() => number) | undefined) {
  const { redisUrl, perSecond, burst } = config.rateLimit;
  if (redisUrl === undefined) return undefined;
  const client = createRespClient({ url: redisUrl });
  const fallback = createRateLimiter({ ratePerSecond: perSecond, burst, now: now ?? (() => performance.now()) });
  const limiter = createRedisRateLimiter({
    client,
    ratePerSecond: perSecond,
    burst,
    fallback,
    onError: (error) => logger.warn({ err: error }, 'Redis is unreachable: the rate limit holds per instance until it answers'),
    onRecovered: () => logger.info('Redis answers again: the rate limit is shared across instances'),
  });
  return { client, limiter };
}

export type Scimd = ReturnType<typeof buildScimd>;
export type ScimdServices = Scimd['services'];
