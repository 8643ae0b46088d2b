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
import { schemaExtensionStore } from './schema-extensions.ts';
import { setupLinkStore } from './setup-links.ts';
import { syncLogStore, syncStateStore } from './sync-state.ts';
import { userStore } from './users.ts';
import { webhookStore } from './webhooks.ts';

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

type SubStoreName = Exclude<keyof Store, 'transaction' | 'configVersion' | 'ping' | 'close'>;

/** The sub-stores, each built from the context on first use (the type makes the list complete). */
const SUB_STORES: { readonly [K in SubStoreName]: (ctx: SqlContext) => Store[K] } = {
  organizations: organizationStore,
  users: userStore,
  groups: groupStore,
  apiKeys: apiKeyStore,
  roles: roleStore,
  auditEvents: auditEventStore,
  outboxEvents: outboxEventStore,
  webhooks: webhookStore,
  jobs: jobStore,
  operators: operatorStore,
  setupLinks: setupLinkStore,
  mailLog: mailLogStore,
  keyReminders: keyReminderStore,
  activity: activityStore,
  schemaExtensions: schemaExtensionStore,
  syncState: syncStateStore,
  syncLogs: syncLogStore,
};

/**
 * The store over `ctx`. Every transaction binds a new one, and a write touches two or three of the
 * sub-stores, so they are made lazily instead of all thirteen per transaction.
 */
function bind(ctx: SqlContext, ddl: DdlDetails, adapter: AdapterHooks): SqlStore {
  // A group-committed batch runs many transactions on one Kysely transaction: they share one store.
  const inTransaction = new WeakMap<Kysely<Database>, SqlStore>();
  const storeFor = (trx: Kysely<Database>): SqlStore => {
    let bound = inTransaction.get(trx);
    if (bound === undefined) inTransaction.set(trx, (bound = bind({ ...ctx, db: trx }, ddl, adapter)));
    return bound;
  };
  const base = {
    kysely: ctx.db,
    capabilities: ctx.caps,
    ddl,
    transaction<T>(fn: (tx: Store) => Promise<T>): Promise<T> {
      // Inside a transaction, a nested call joins it rather than opening a second one.
      if (ctx.db.isTransaction) return fn(store);
      return ctx.runTransaction((trx) => fn(storeFor(trx)));
    },
    configVersion: adapter.configVersion,
    async ping() {
      await sql`select 1`.execute(ctx.db);
    },
    close: adapter.close,
  };
  for (const [name, make] of Object.entries(SUB_STORES)) {
    Object.defineProperty(base, name, {
      enumerable: true,
      configurable: true,
      // The first read builds the sub-store and replaces the getter with it.
      get: () => {
        const made: unknown = make(ctx);
        Object.defineProperty(base, name, { value: made, enumerable: true });
        return made;
      },
    });
  }
  const store = base as unknown as SqlStore;
  return store;
}

/** What only the adapter can provide: how it learns of other processes' changes, and how it closes. */
export interface AdapterHooks {
  /** `Store.configVersion`: SQLite's `PRAGMA data_version`, PostgreSQL's LISTEN counter. */
  readonly configVersion: () => number;
  /** Releases the adapter's connections. */
  readonly close: () => Promise<void>;
}

/** Builds the store over `ctx`. */
export function createSqlStore(ctx: SqlContext, ddl: DdlDetails, adapter: AdapterHooks): SqlStore {
  return bind(ctx, ddl, adapter);
}
