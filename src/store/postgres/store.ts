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
import { eventNumbering } from './event-numbering.ts';
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
  /**
   * How often to number events that a failed pass or a crash between a commit and its pass left
   * without a number (postgres/event-numbering.ts); default 5 s, 0 disables.
   */
  readonly eventSweepIntervalMs?: number;
  /** Called when a numbering pass or sweep fails (the events are numbered by the next one). */
  readonly onEventNumberingError?: (error: unknown) => void;
}

/** PostgreSQL's undefined_function: the sweep ran before the migrations created its function. */
const UNDEFINED_FUNCTION = '42883';

/** Creates the PostgreSQL store; run `migrateToLatest(store)` before first use. */
export function createPostgresStore(options: PostgresStoreOptions): SqlStore {
  // Pipeline mode lets a held BEGIN or kept appends go out in one write with the next statement
  // (named-statements.ts); every other query is awaited before the next is issued, as before.
  const pool = options.pool ?? new (pgModule().Pool)({ connectionString: options.connectionString, max: options.maxConnections ?? 10, pipeline: true });
  pool.on('error', options.onIdleConnectionError ?? (() => undefined));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: namedStatementPool(pool) }), log: queryLogger(options) });
  const onNumberingError = options.onEventNumberingError ?? (() => undefined);
  // Numbering passes run on connections of their own: a reader may ask for one while it holds one
  // of the pool's connections, and readers doing so on every pooled connection would wait forever.
  const numberingPool = new (pgModule().Pool)({ ...pool.options, max: 2, pipeline: false });
  numberingPool.on('error', options.onIdleConnectionError ?? (() => undefined));
  const numberingDb = new Kysely<Database>({ dialect: new PostgresDialect({ pool: numberingPool }), log: queryLogger(options) });
  const numbering = eventNumbering(numberingDb, { onError: onNumberingError });
  const ctx = {
    db,
    caps: postgresCapabilities,
    uniqueViolation: postgresUniqueViolation,
    runTransaction: numbering.around(plainTransactions(db)),
    eventAppended: numbering.appended,
    numberEvents: numbering.numbered,
    numberAllEvents: numbering.sweep,
    ...timeAndIds(options),
  };
  const sweepMs = options.eventSweepIntervalMs ?? 5000;
  const sweeper =
    sweepMs > 0
      ? setInterval(() => {
          numbering.sweep().catch((error: unknown) => {
            if ((error as { code?: unknown }).code !== UNDEFINED_FUNCTION) onNumberingError(error);
          });
        }, sweepMs).unref()
      : undefined;
  // The pool's own settings (connection string, host, user …) serve the one listening connection.
  const stopVacuumer = startVacuumer({ pool, intervalMs: options.vacuumIntervalMs ?? 60_000, ...(options.onVacuum ? { onRun: options.onVacuum } : {}) });
  const listener = createChangeListener({ connection: { ...pool.options, pipeline: false }, channel: CONFIG_CHANGE_CHANNEL, onError: options.onListenError });
  return createSqlStore(ctx, postgresDdl, {
    configVersion: () => listener.version(),
    close: async () => {
      clearInterval(sweeper);
      await numbering.idle();
      await stopVacuumer();
      await listener.close();
      await numberingDb.destroy();
      await db.destroy();
    },
  });
}
