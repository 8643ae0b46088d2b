/**
 * The PostgreSQL adapter on node-postgres (DESIGN.md §4, §5): a connection pool from a connection
 * string (`DATABASE_URL`), or a pool the caller owns.
 */
import type pg from 'pg';
import { pgModule } from './pg-module.ts';
import { Kysely, PostgresDialect } from 'kysely';
import { postgresCapabilities } from './capabilities.ts';
import type { Database } from '../database.ts';
import { plainTransactions } from '../sql/group-commit.ts';
import { createSqlStore, type SqlStore } from '../sql/sql-store.ts';
import { queryLogger, timeAndIds, type StoreOptions } from '../sql/options.ts';
import { CONFIG_CHANGE_CHANNEL } from '../migrations/0005-change-announcements.ts';
import { createChangeListener } from './change-listener.ts';
import { postgresDdl } from './ddl.ts';
import { postgresUniqueViolation } from './errors.ts';
import { namedStatementPool } from './named-statements.ts';
import { startVacuumer, type VacuumerOptions } from './vacuum.ts';

export interface PostgresStoreOptions extends StoreOptions {
  /** `postgres://user@host:5432/db`. */
  readonly connectionString?: string;
  /** An existing pool (takes precedence over `connectionString`); the store closes it on `close()`. */
  readonly pool?: pg.Pool;
  /** Pool size (default 10). */
  readonly maxConnections?: number;
  /**
   * Called when an idle pooled connection dies (database restart, admin termination). node-postgres
   * emits these as pool `error` events, which would crash the process if unhandled; the pool
   * replaces the connection on the next query. Ignored by default.
   */
  readonly onIdleConnectionError?: (error: Error) => void;
  /**
   * How often to check whether the server's autovacuum is off and, if so, VACUUM the tables scimd
   * rewrites (vacuum.ts); default 60 s, 0 disables.
   */
  readonly vacuumIntervalMs?: number;
  /** Called on every such VACUUM run (or failure). */
  readonly onVacuum?: VacuumerOptions['onRun'];
  /** Called when the connection that listens for other processes' changes fails (it is retried). */
  readonly onListenError?: (error: Error) => void;
}

/** Creates the PostgreSQL store; run `migrateToLatest(store)` before first use. */
export function createPostgresStore(options: PostgresStoreOptions): SqlStore {
  // Pipeline mode lets a held BEGIN or kept appends go out in one write with the next statement
  // (named-statements.ts); every other query is awaited before the next is issued, as before.
  const pool = options.pool ?? new (pgModule().Pool)({ connectionString: options.connectionString, max: options.maxConnections ?? 10, pipeline: true });
  pool.on('error', options.onIdleConnectionError ?? (() => undefined));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: namedStatementPool(pool) }), log: queryLogger(options) });
  const ctx = { db, caps: postgresCapabilities, uniqueViolation: postgresUniqueViolation, runTransaction: plainTransactions(db), ...timeAndIds(options) };
  // The pool's own settings (connection string, host, user …) serve the one listening connection.
  const stopVacuumer = startVacuumer({ pool, intervalMs: options.vacuumIntervalMs ?? 60_000, ...(options.onVacuum ? { onRun: options.onVacuum } : {}) });
  const listener = createChangeListener({ connection: { ...pool.options, pipeline: false }, channel: CONFIG_CHANGE_CHANNEL, onError: options.onListenError });
  return createSqlStore(ctx, postgresDdl, {
    configVersion: () => listener.version(),
    close: async () => {
      await stopVacuumer();
      await listener.close();
      await db.destroy();
    },
  });
}
