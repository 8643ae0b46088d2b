/**
 * What differs between the SQL dialects the store supports, expressed as flags rather than a
 * dialect name to branch on (STYLE.md: capability flags, like kysely's `DialectAdapter`).
 * Shared query code (the store implementation, the filter→SQL compiler, sorting) reads these
 * flags; only the per-dialect folders decide their values.
 */
export interface SqlCapabilities {
  /** Dialect name, for logs and error messages only — never branch on it. */
  readonly name: 'sqlite' | 'postgres';
  /** Booleans are stored as INTEGER 0/1 (SQLite) instead of a native BOOLEAN. */
  readonly booleanAsInteger: boolean;
  /** How JSON columns are read: SQLite `json_extract(text, '$.a')` or PostgreSQL `jsonb ->`/`->>`. */
  readonly jsonExtract: 'sqlite-json' | 'postgres-jsonb';
  /** JSON column type used in DDL (`TEXT` holding JSON on SQLite, `JSONB` on PostgreSQL). */
  readonly jsonType: 'text' | 'jsonb';
  /**
   * SQL function that lower-cases a string the way JavaScript `toLowerCase()` does. SQLite's own
   * `lower()` folds ASCII only, so the SQLite adapter registers `scimd_lower` on every connection.
   */
  readonly lowerFunction: string;
  /** `LIKE` is already case-insensitive (SQLite, ASCII only) — PostgreSQL needs `ILIKE`/lowering. */
  readonly likeIsCaseInsensitive: boolean;
  /** `SELECT … FOR UPDATE SKIP LOCKED` is available for job leasing. */
  readonly supportsSkipLocked: boolean;
  /** `INSERT/UPDATE/DELETE … RETURNING` is available. */
  readonly supportsReturning: boolean;
  /** Row-value comparisons `(a, b) > (x, y)` are available for keyset paging. */
  readonly supportsRowValues: boolean;
}

/** Capabilities of SQLite (3.35+, through better-sqlite3). */
export const sqliteCapabilities: SqlCapabilities = Object.freeze({
  name: 'sqlite',
  booleanAsInteger: true,
  jsonExtract: 'sqlite-json',
  jsonType: 'text',
  lowerFunction: 'scimd_lower',
  likeIsCaseInsensitive: true,
  supportsSkipLocked: false,
  supportsReturning: true,
  supportsRowValues: true,
});

/** Capabilities of PostgreSQL (13+, through node-postgres). */
export const postgresCapabilities: SqlCapabilities = Object.freeze({
  name: 'postgres',
  booleanAsInteger: false,
  jsonExtract: 'postgres-jsonb',
  jsonType: 'jsonb',
  lowerFunction: 'lower',
  likeIsCaseInsensitive: false,
  supportsSkipLocked: true,
  supportsReturning: true,
  supportsRowValues: true,
});
