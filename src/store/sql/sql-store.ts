/**
 * Assembles the Store port from the shared Kysely sub-stores. Both adapters call
 * `createSqlStore`; they differ only in the context they pass (connection, capabilities,
 * unique-violation mapping).
 */
import { sql, type Kysely } from 'kysely';
import type { SqlCapabilities } from '../capabilities.ts';
import type { Database } from '../database.ts';
import type { DdlDetails } from '../migrations/ddl.ts';
import type { Store } from '../store.ts';
import { activityStore } from './activity.ts';
import { apiKeyStore } from './api-keys.ts';
import { auditEventStore } from './audit-events.ts';
import type { SqlContext } from './context.ts';
import { groupStore } from './groups.ts';
import { jobStore } from './jobs.ts';
import { keyReminderStore } from './key-reminders.ts';
import { mailLogStore } from './mail-log.ts';
import { operatorStore } from './operators.ts';
import { organizationStore } from './organizations.ts';
import { outboxEventStore } from './outbox-events.ts';
import { roleStore } from './roles.ts';
import { setupLinkStore } from './setup-links.ts';
import { userStore } from './users.ts';

/**
 * A Store backed by SQL: the port plus what migrations, benchmarks and SQL tests need. Services
 * are typed against `Store` and never see these extra members.
 */
export interface SqlStore extends Store {
  readonly kysely: Kysely<Database>;
  readonly capabilities: SqlCapabilities;
  /** The dialect's DDL details, for the migrations. */
  readonly ddl: DdlDetails;
}

function bind(ctx: SqlContext, ddl: DdlDetails, close: () => Promise<void>): SqlStore {
  const store: SqlStore = {
    kysely: ctx.db,
    capabilities: ctx.caps,
    ddl,
    organizations: organizationStore(ctx),
    users: userStore(ctx),
    groups: groupStore(ctx),
    apiKeys: apiKeyStore(ctx),
    roles: roleStore(ctx),
    auditEvents: auditEventStore(ctx),
    outboxEvents: outboxEventStore(ctx),
    jobs: jobStore(ctx),
    operators: operatorStore(ctx),
    setupLinks: setupLinkStore(ctx),
    mailLog: mailLogStore(ctx),
    keyReminders: keyReminderStore(ctx),
    activity: activityStore(ctx),
    transaction(fn) {
      // Inside a transaction, a nested call joins it rather than opening a second one.
      if (ctx.db.isTransaction) return fn(store);
      return ctx.runTransaction((trx) => fn(bind({ ...ctx, db: trx }, ddl, close)));
    },
    async ping() {
      await sql`select 1`.execute(ctx.db);
    },
    close,
  };
  return store;
}

/** Builds the store over `ctx`; `close` releases the adapter's connections. */
export function createSqlStore(ctx: SqlContext, ddl: DdlDetails, close: () => Promise<void>): SqlStore {
  return bind(ctx, ddl, close);
}
