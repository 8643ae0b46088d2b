/**
 * Prepared-statement reuse for better-sqlite3. Kysely's SQLite driver calls `prepare(sql)` for
 * every query, and preparing costs as much as running an indexed lookup; this wrapper hands the
 * driver a database whose `prepare` returns the statement already compiled for the same SQL text.
 * Parameters are always bound, so the distinct texts are the distinct query shapes: a bounded
 * least-recently-used map keeps the hot ones.
 */
import type BetterSqlite3 from 'better-sqlite3';
import type { SqliteDatabase, SqliteStatement } from 'kysely';

/** How many distinct statements stay prepared by default. */
export const DEFAULT_STATEMENT_CACHE_SIZE = 500;

/** A Kysely `SqliteDatabase` over `database` that reuses prepared statements (see the module comment). */
export function withStatementCache(database: BetterSqlite3.Database, size = DEFAULT_STATEMENT_CACHE_SIZE): SqliteDatabase {
  const statements = new Map<string, BetterSqlite3.Statement>();
  return {
    prepare(sql: string): SqliteStatement {
      const cached = statements.get(sql);
      // A statement still iterating (a stream being read) cannot run twice at once: give that
      // caller a fresh one and keep the cached statement for later.
      if (cached !== undefined && !cached.busy) {
        // Re-inserting moves the entry to the end of the map's order: the eviction order is LRU.
        statements.delete(sql);
        statements.set(sql, cached);
        return cached;
      }
      const statement = database.prepare(sql);
      if (cached !== undefined) return statement;
      statements.set(sql, statement);
      if (statements.size > size) {
        const oldest = statements.keys().next().value;
        if (oldest !== undefined) statements.delete(oldest);
      }
      return statement;
    },
    close() {
      statements.clear();
      database.close();
    },
  };
}
