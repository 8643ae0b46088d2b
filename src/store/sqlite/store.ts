/**
 * The embedded SQLite adapter on better-sqlite3 (DESIGN.md §4): WAL, foreign keys on, a busy
 * timeout, and `scimd_lower` — JavaScript `toLowerCase` as a deterministic SQL function, because
 * SQLite's own `lower()` folds ASCII only. Pass `:memory:` in tests, or an open driver instance.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { CompiledQuery, Kysely, SqliteDialect, type DatabaseConnection, type Driver, type SqliteDialectConfig } from 'kysely';
import { sqliteCapabilities } from './capabilities.ts';
import type { Database } from '../database.ts';
import { createGroupCommitter, plainTransactions } from '../sql/group-commit.ts';
import { createSqlStore, type SqlStore } from '../sql/sql-store.ts';
import { queryLogger, timeAndIds, type StoreOptions } from '../sql/options.ts';
import { sqliteDdl } from './ddl.ts';
import { SAFETY_AUTOCHECKPOINT_PAGES, startCheckpointer, type Checkpointer, type CheckpointerOptions } from './checkpointer.ts';
import { sqliteUniqueViolation } from './errors.ts';
import { withStatementCache } from './statement-cache.ts';
import { createWalSync } from './wal-sync.ts';

/** The default database file, relative to the working directory. */
export const DEFAULT_SQLITE_PATH = './data/scimd.db';

export interface SqliteStoreOptions extends StoreOptions {
  /** File path, or `:memory:`; defaults to `./data/scimd.db` (its directory is created). */
  readonly path?: string;
  /** An already open driver instance (takes precedence over `path`). */
  readonly database?: BetterSqlite3.Database;
  /** Milliseconds a writer waits for a lock before SQLITE_BUSY (default 5000). */
  readonly busyTimeoutMs?: number;
  /**
   * When a transaction is acknowledged. `full` (the default): only once its WAL frames are on disk,
   * so an acknowledged write survives a power loss or an OS crash; the fsync runs off the event
   * loop and is shared by the batches committed meanwhile (sqlite/wal-sync.ts). `normal`: at
   * COMMIT, with the WAL fsynced only at checkpoints — a process crash still loses nothing, but a
   * power loss may roll back the last acknowledged transactions.
   */
  readonly synchronous?: SqliteSynchronous;
  /**
   * Commit concurrent transactions together (default true; see sql/group-commit.ts). False gives
   * every transaction its own COMMIT.
   */
  readonly groupCommit?: boolean;
  /**
   * WAL checkpoints in a worker thread (sqlite/checkpointer.ts), on by default for database files:
   * options for it, or false to leave checkpoints to SQLite (inside the COMMIT that crosses 1,000
   * pages). `:memory:` databases have no WAL and never start one.
   */
  readonly checkpoints?: CheckpointerOptions | false;
}

export type SqliteSynchronous = 'full' | 'normal';

/**
 * Opens a better-sqlite3 connection with the pragmas and functions the store relies on. The
 * connection itself never fsyncs in COMMIT (`synchronous = NORMAL`); durable acknowledgement is the
 * store's WAL sync (see `SqliteStoreOptions.synchronous`).
 */
export function openSqliteDatabase(path: string, busyTimeoutMs = 5000): BetterSqlite3.Database {
  if (path !== ':memory:' && path !== '') mkdirSync(dirname(path), { recursive: true });
  const db = new BetterSqlite3(path);
  if (path !== ':memory:' && path !== '') db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma(`busy_timeout = ${Math.floor(busyTimeoutMs)}`);
  db.function(sqliteCapabilities.lowerFunction, { deterministic: true }, (value: unknown) =>
    typeof value === 'string' ? value.toLowerCase() : value,
  );
  return db;
}

const BEGIN_IMMEDIATE = CompiledQuery.raw('begin immediate');

/**
 * Kysely's SQLite dialect with `BEGIN IMMEDIATE` transactions. A deferred BEGIN (Kysely's default)
 * takes a read snapshot and upgrades to the write lock at the first write; when another process
 * (the server, or the CLI next to it) committed in between, SQLite cannot upgrade that stale
 * snapshot and fails at once with SQLITE_BUSY ("database is locked") without consulting the busy
 * timeout. An immediate BEGIN takes the write lock up front, waiting up to the busy timeout for
 * it, so concurrent writers queue instead of failing.
 */
class ImmediateSqliteDialect extends SqliteDialect {
  readonly #noWait: { readonly before: () => void; readonly after: () => void } | undefined;

  /** With `noWait`, BEGIN fails at once with SQLITE_BUSY when another connection writes (the group committer retries it). */
  constructor(config: SqliteDialectConfig, noWait?: { readonly before: () => void; readonly after: () => void }) {
    super(config);
    this.#noWait = noWait;
  }

  override createDriver(): Driver {
    const driver = super.createDriver();
    const noWait = this.#noWait;
    driver.beginTransaction = async (connection: DatabaseConnection) => {
      if (noWait === undefined) {
        await connection.executeQuery(BEGIN_IMMEDIATE);
        return;
      }
      // The busy timeout is the connection's: off for this BEGIN only (the connection is held,
      // nothing else runs on it in between), so that waiting for the lock does not block.
      noWait.before();
      try {
        await connection.executeQuery(BEGIN_IMMEDIATE);
      } finally {
        noWait.after();
      }
    };
    return driver;
  }
}

const isSqliteBusy = (error: unknown): boolean => (error as { code?: unknown } | null)?.code === 'SQLITE_BUSY';

/** Starts the checkpoint worker for a WAL database file, and raises the main connection's autocheckpoint to a safety net. */
function backgroundCheckpoints(database: BetterSqlite3.Database, options: CheckpointerOptions | false | undefined): Checkpointer | undefined {
  if (options === false || database.memory || database.pragma('journal_mode', { simple: true }) !== 'wal') return undefined;
  const checkpointer = startCheckpointer(database.name, options ?? {});
  database.pragma(`wal_autocheckpoint = ${SAFETY_AUTOCHECKPOINT_PAGES}`);
  return checkpointer;
}

/** Creates the SQLite store; run `migrateToLatest(store)` before first use. */
export function createSqliteStore(options: SqliteStoreOptions = {}): SqlStore {
  const database = options.database ?? openSqliteDatabase(options.path ?? DEFAULT_SQLITE_PATH, options.busyTimeoutMs);
  const grouped = options.groupCommit !== false;
  // Group-committed BEGINs do not wait in SQLite's busy handler (which sleeps with the event loop
  // blocked); the committer retries them asynchronously for as long as the busy timeout.
  const busyTimeoutMs = Number(database.pragma('busy_timeout', { simple: true }));
  const noTimeout = database.prepare('pragma busy_timeout = 0');
  const timeout = database.prepare(`pragma busy_timeout = ${busyTimeoutMs}`);
  const noWait = grouped ? { before: () => void noTimeout.get(), after: () => void timeout.get() } : undefined;
  const db = new Kysely<Database>({ dialect: new ImmediateSqliteDialect({ database: withStatementCache(database) }, noWait), log: queryLogger(options) });
  const isWal = !database.memory && database.pragma('journal_mode', { simple: true }) === 'wal';
  const walSync = options.synchronous !== 'normal' && isWal ? createWalSync(database.name) : undefined;
  const durable = walSync?.sync;
  const runTransaction = grouped ? createGroupCommitter(db, { durable, isLocked: isSqliteBusy, lockWaitMs: busyTimeoutMs }) : plainTransactions(db, durable);
  const ctx = { db, caps: sqliteCapabilities, uniqueViolation: sqliteUniqueViolation, runTransaction, ...timeAndIds(options) };
  const checkpointer = backgroundCheckpoints(database, options.checkpoints);
  const configVersion = dataVersionPerTurn(database);
  return createSqlStore(ctx, sqliteDdl, {
    configVersion,
    close: async () => {
      await checkpointer?.stop();
      await walSync?.close();
      await db.destroy();
    },
  });
}

/**
 * `Store.configVersion` on SQLite: `PRAGMA data_version`, which changes whenever another connection
 * (the CLI, another process) commits to the file; this connection's own commits leave it alone.
 * The pragma costs 5–7 µs (it reads the WAL index under a shared lock) and a lookup asks three
 * caches, so it is read once per turn of the event loop and reused until the loop's check phase:
 * every request handled in a turn arrived before the turn began, so a change another process
 * committed before the request was sent is still seen by it.
 */
function dataVersionPerTurn(database: BetterSqlite3.Database): () => number {
  const dataVersion = database.prepare('PRAGMA data_version').pluck();
  let current: number | undefined;
  const forget = (): void => {
    current = undefined;
  };
  return () => {
    if (current === undefined) {
      current = dataVersion.get() as number;
      setImmediate(forget);
    }
    return current;
  };
}
