/**
 * What differs between the SQL dialects the store supports: flags, and the few SQL fragments each
 * dialect spells its own way (reading stored JSON, binary string order). Shared query code (the
 * store implementation, the filter→SQL compiler, sorting) reads these and never branches on a
 * dialect name; each dialect declares its values in its own folder (`sqlite/capabilities.ts`,
 * `postgres/capabilities.ts`), like kysely's `DialectAdapter` and query compilers.
 */
import type { RawBuilder } from 'kysely';
import type { JsonSql } from './json-sql.ts';

export interface SqlCapabilities {
  /** Dialect name, for logs and error messages only — never branch on it. */
  readonly name: 'sqlite' | 'postgres';
  /** Booleans are stored as INTEGER 0/1 (SQLite) instead of a native BOOLEAN. */
  readonly booleanAsInteger: boolean;
  /** How stored JSON is read: SQLite `json_extract(text, '$.a')` or PostgreSQL `jsonb #>`/`#>>`. */
  readonly json: JsonSql;
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
  /**
   * Event numbers (`outbox_events.sequence`) are given after the writing transaction has committed,
   * by a numbering pass that readers of the feed run first (PostgreSQL, migration 0017,
   * postgres/event-numbering.ts), so an append inside a transaction returns `sequence: null` and the
   * number is only readable after the commit. False: the append takes the number itself and returns
   * it (SQLite).
   */
  readonly eventNumbersAfterCommit: boolean;
  /** Row-value comparisons `(a, b) > (x, y)` are available for keyset paging. */
  readonly supportsRowValues: boolean;
  /**
   * A scalar subquery giving the direct groups of the `users` row in scope as a JSON array of
   * `{ value, display }` ordered by group id, read as a column of the user's row: one statement
   * instead of two (a round trip less on PostgreSQL; on SQLite one statement's fixed cost less,
   * 8–10 % of a lookup's CPU measured with bench/ab-builds.ts).
   */
  readonly userGroupsColumn?: RawBuilder<unknown>;
  /** `value` compared and ordered by code point, whatever the database's default collation. */
  binaryOrder(value: RawBuilder<unknown>): RawBuilder<unknown>;
}
