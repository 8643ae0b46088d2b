/**
 * Named prepared statements for the statements a server runs over and over. PostgreSQL plans an
 * unnamed statement on every execution, and for an indexed lookup planning costs several times the
 * execution (EXPLAIN ANALYZE: 0.27 ms planning, 0.04 ms execution). node-postgres prepares a
 * statement given a `name` once per connection and afterwards sends only Bind/Execute, which lets
 * PostgreSQL reuse the plan (its plan cache switches to a generic plan after five custom ones when
 * that is no dearer).
 *
 * Which statements: the same SQL text with parameters seen `after` times in this process, up to
 * `max` texts — the precompiled hot statements, listing pages, the writes of a create or PATCH.
 * Texts are never renamed or forgotten (a name stays valid on every connection that prepared it);
 * once `max` names are given out, other texts run unnamed as before.
 *
 * A migration that changes a table's columns while a server runs makes PostgreSQL refuse a prepared
 * `SELECT *` of it ("cached plan must not change result type", 0A000). The text then gets a fresh
 * name (prepared anew on each connection) and the statement is retried unnamed — which succeeds
 * outside a transaction; inside one the transaction has already failed and the request fails once.
 */
import type pg from 'pg';
import type { PostgresPool, PostgresPoolClient } from 'kysely';

export interface NamedStatementOptions {
  /** Executions of a text before it gets a name (default 2: one-off statements stay unnamed). */
  readonly after?: number;
  /** Most texts named (default 500). */
  readonly max?: number;
}

/** Wraps `pool` so Kysely's queries run as named prepared statements once their text is hot. */
export function namedStatementPool(pool: pg.Pool, options: NamedStatementOptions = {}): PostgresPool {
  const after = options.after ?? 2;
  const max = options.max ?? 500;
  const seen = new Map<string, number>();
  const names = new Map<string, string>();

  function nameOf(sql: string): string | undefined {
    const name = names.get(sql);
    if (name !== undefined || names.size >= max) return name;
    const count = (seen.get(sql) ?? 0) + 1;
    if (count < after) {
      if (seen.size < max * 4) seen.set(sql, count);
      return undefined;
    }
    seen.delete(sql);
    const given = `scimd_${names.size + 1}`;
    names.set(sql, given);
    return given;
  }

  /** Drops the name of `sql` so its next use prepares it under a new one. */
  function rename(sql: string): void {
    if (names.delete(sql)) names.set(sql, `scimd_${++renamed}_${names.size + 1}`);
  }
  let renamed = 0;

  const wrapped = new WeakMap<pg.PoolClient, PostgresPoolClient>();
  function wrap(client: pg.PoolClient): PostgresPoolClient {
    let wrapper = wrapped.get(client);
    if (wrapper !== undefined) return wrapper;
    wrapper = {
      query(sqlOrCursor: unknown, parameters?: readonly unknown[]) {
        if (typeof sqlOrCursor === 'string' && parameters !== undefined && parameters.length > 0) {
          const name = nameOf(sqlOrCursor);
          if (name !== undefined) {
            const values = parameters as unknown[];
            return client.query({ name, text: sqlOrCursor, values }).catch((error: unknown) => {
              if (!isStalePlan(error)) throw error;
              rename(sqlOrCursor);
              return client.query(sqlOrCursor, values);
            });
          }
        }
        return (client.query as (...args: unknown[]) => unknown)(sqlOrCursor, parameters);
      },
      release: () => client.release(),
    } as PostgresPoolClient;
    wrapped.set(client, wrapper);
    return wrapper;
  }

  return {
    connect: async () => wrap(await pool.connect()),
    end: () => pool.end(),
  };
}

/** PostgreSQL's refusal to run a prepared statement whose result columns changed. */
function isStalePlan(error: unknown): boolean {
  return (error as { code?: unknown }).code === '0A000' && /cached plan/.test(String((error as Error).message));
}
