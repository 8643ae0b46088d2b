/**
 * Chooses the adapter from a database URL: `postgres://` / `postgresql://` → PostgreSQL, anything
 * else (a `sqlite:` URL, a file path, `:memory:`, or nothing) → embedded SQLite (DESIGN.md §4).
 */
import { createPostgresStore } from './postgres/store.ts';
import type { StoreOptions } from './sql/options.ts';
import type { SqlStore } from './sql/sql-store.ts';
import { DEFAULT_SQLITE_PATH, createSqliteStore, type SqliteSynchronous } from './sqlite/store.ts';

export interface StoreConfig extends StoreOptions {
  /** `postgres://…`, `sqlite:/path/to/file.db`, `sqlite::memory:`, a plain path, or undefined. */
  readonly url?: string;
  /** SQLite only: when a COMMIT reaches the disk (see `SqliteStoreOptions.synchronous`). */
  readonly sqliteSynchronous?: SqliteSynchronous;
  /** PostgreSQL only: the connection pool's size (default 10). */
  readonly maxConnections?: number;
}

/** The SQLite file path a non-PostgreSQL URL names. */
export function sqlitePathOf(url: string | undefined): string {
  if (url === undefined || url === '') return DEFAULT_SQLITE_PATH;
  if (url.startsWith('sqlite://')) return url.slice('sqlite://'.length) || DEFAULT_SQLITE_PATH;
  if (url.startsWith('sqlite:')) return url.slice('sqlite:'.length) || DEFAULT_SQLITE_PATH;
  return url;
}

/** Opens the store the URL names. */
export function createStore(config: StoreConfig = {}): SqlStore {
  const { url, sqliteSynchronous, maxConnections, ...options } = config;
  if (url !== undefined && /^postgres(ql)?:\/\//i.test(url)) return createPostgresStore({ ...options, connectionString: url, ...(maxConnections === undefined ? {} : { maxConnections }) });
  return createSqliteStore({ ...options, path: sqlitePathOf(url), synchronous: sqliteSynchronous });
}
