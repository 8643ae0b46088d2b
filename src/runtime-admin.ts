/**
 * The administration half of the composition root (src/runtime.ts calls it): the services behind
 * the admin API (`/api/v1`), the mailer (SMTP when SMTP_URL is set, else the mail log and the server
 * log), and the key-expiry reminder worker, which starts once the server listens and stops before
 * the database closes; expired operator sessions are deleted at start and hourly.
 */
import type { Logger } from 'pino';
import type { Config } from './config.ts';
import type { AdminServices } from './http/admin/deps.ts';
import type { ActivityService } from './services/activity.ts';
import type { ApiKeyService } from './services/api-keys.ts';
import { createAuditService } from './services/audit.ts';
import { createDirectoryService } from './services/directory.ts';
import { createKeyReminderService } from './services/key-reminders.ts';
import { createMailService, createSmtpTransport } from './services/mail.ts';
import { createOperatorService } from './services/operators.ts';
import type { OrganizationService } from './services/organizations.ts';
import type { PolicyService } from './services/policies.ts';
import { createRoleService } from './services/roles.ts';
import { createSchemaExtensionService } from './services/schema-extensions.ts';
import type { SchemaRegistries } from './services/schema-registries.ts';
import type { GroupService } from './services/scim-groups.ts';
import type { UserService } from './services/scim-users.ts';
import { createSetupLinkService } from './services/setup-links.ts';
import type { Store } from './store/store.ts';
import { createReminderWorker } from './workers/key-reminder-worker.ts';

/** The services runtime.ts has already built and shares with the SCIM API. */
export interface SharedServices {
  readonly organizations: OrganizationService;
  readonly apiKeys: ApiKeyService;
  readonly policies: PolicyService;
  readonly activity: ActivityService;
  readonly users: UserService;
  readonly groups: GroupService;
  readonly registries: SchemaRegistries;
}

/** The administration services and the reminder worker's lifecycle. */
export interface Administration {
  /** Everything but the event services, which runtime-events.ts builds. */
  readonly services: Omit<AdminServices, 'events' | 'webhooks'>;
  /** Starts the reminder worker (call once the server listens). */
  start(): void;
  /** Stops the worker (waiting for a run in progress) and closes the SMTP transport. */
  stop(): Promise<void>;
}

const DAY_MS = 24 * 60 * 60 * 1000;
/** Expired operator sessions are deleted at start and then hourly. */
const SESSION_PURGE_INTERVAL_MS = 60 * 60 * 1000;

/** Builds the administration services over `store` for `config`. */
export function buildAdministration(config: Config, store: Store, shared: SharedServices, logger: Logger): Administration {
  const transport = config.smtpUrl === undefined ? undefined : createSmtpTransport(config.smtpUrl);
  const mail = createMailService({
    store,
    from: config.mailFrom,
    transport,
    onMail: (m) => {
      const line = { orgId: m.orgId, mailId: m.id, kind: m.kind, to: m.recipients, subject: m.subject, status: m.status };
      if (m.status === 'logged') logger.info({ ...line, body: m.body }, 'mail recorded (no SMTP_URL configured)');
      else if (m.status === 'sent') logger.info(line, 'mail sent');
      else logger.warn({ ...line, error: m.error }, m.status === 'failed' ? 'mail could not be sent' : 'mail skipped');
    },
  });
  const reminders = createKeyReminderService({ store, mail, leadMs: config.reminders.leadDays * DAY_MS });
  const worker = createReminderWorker({
    store,
    reminders,
    intervalMs: config.reminders.intervalMs,
    onDelivered: (job, outcome) => logger.info({ jobId: job.id, kind: job.kind, orgId: job.orgId, outcome }, 'key reminder handled'),
    onFailure: (job, error) => logger.warn({ err: error, jobId: job.id, kind: job.kind, attempts: job.attempts }, 'key reminder failed; will retry'),
    onRunError: (error) => logger.error({ err: error }, 'key reminder run failed'),
  });
  const operators = createOperatorService({ store, sessionTtlMs: config.operatorSessionTtlHours * 60 * 60 * 1000 });
  let purgeTimer: NodeJS.Timeout | undefined;
  const purgeSessions = () => {
    operators.purgeExpiredSessions().catch((error: unknown) => logger.error({ err: error }, 'deleting expired operator sessions failed'));
  };
  const { registries, ...rest } = shared;
  const services: Omit<AdminServices, 'events' | 'webhooks'> = {
    ...rest,
    operators,
    setupLinks: createSetupLinkService({ store }),
    directory: createDirectoryService({
      store,
      // Each organization's own schemas, as the SCIM API uses them.
      userSchemas: registries.userSchemas,
      groupSchemas: registries.groupSchemas,
      filterLimits: { maxLength: config.limits.maxFilterLength, maxDepth: config.limits.maxFilterDepth },
    }),
    roles: createRoleService({ store, onChange: shared.policies.forget }),
    schemaExtensions: createSchemaExtensionService({ store, onChange: registries.forget }),
    audit: createAuditService({ store }),
    mail,
    reminders,
  };
  return {
    services,
    start() {
      worker.start();
      purgeSessions();
      purgeTimer = setInterval(purgeSessions, SESSION_PURGE_INTERVAL_MS).unref();
    },
    async stop() {
      if (purgeTimer) clearInterval(purgeTimer);
      await worker.stop();
      mail.close();
    },
  };
}
