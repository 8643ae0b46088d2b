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
 *
 * The same wrapper sees every statement of a connection, transaction control included, so it also
 * holds back the BEGIN and the statements marked for write-behind until the next statement or the
 * COMMIT (write-behind.ts). On a pipelining client (`pipeline: true`, the store's own pool) what was
 * held and the statement it travels with are written in one socket write (the stream corked around
 * them), each kept statement as its own prepared statement with its parameters, and PostgreSQL
 * answers them in one round trip; elsewhere the kept statements are rendered as literals into one
 * simple-protocol query queued ahead of the next.
 */
import type pg from 'pg';
import type { PostgresPool, PostgresPoolClient } from 'kysely';
import { pgModule } from './pg-module.ts';
import { controlOf, DEFER_MARK, KEPT, renderStatement } from './write-behind.ts';

export interface NamedStatementOptions {
  /** Executions of a text before it gets a name (default 2: one-off statements stay unnamed). */
  readonly after?: number;
  /** Most texts named (default 500). */
  readonly max?: number;
}

/** Wraps `pool` so Kysely's queries run as named prepared statements once hot, marked appends written behind. */
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

  const escapeLiteral = pgModule().escapeLiteral;
  const wrapped = new WeakMap<pg.PoolClient, PostgresPoolClient>();
  function wrap(client: pg.PoolClient): PostgresPoolClient {
    let wrapper = wrapped.get(client);
    if (wrapper !== undefined) return wrapper;
    const raw = client.query.bind(client) as (...args: unknown[]) => Promise<unknown>;
    /** Runs one statement, named once its text is hot. */
    const run = (sqlOrCursor: unknown, parameters?: readonly unknown[]): Promise<unknown> => {
      if (typeof sqlOrCursor === 'string' && parameters !== undefined && parameters.length > 0) {
        const name = nameOf(sqlOrCursor);
        if (name !== undefined) {
          const values = parameters as unknown[];
          return namedQuery(client, name, sqlOrCursor, values).catch((error: unknown) => {
            if (!isStalePlan(error)) throw error;
            rename(sqlOrCursor);
            return client.query(sqlOrCursor, values);
          });
        }
      }
      return raw(sqlOrCursor, parameters);
    };
    // Write-behind (write-behind.ts): inside a transaction, the BEGIN and the marked statements not yet sent.
    const pipelined = client.pipeline === true;
    const stream = pipelined ? (client as unknown as { connection?: { stream?: Corkable } }).connection?.stream : undefined;
    let inTransaction = false;
    let held: Held[] = [];
    /** What was held (emptied), then `last`: in one write when pipelining, else queued in order. */
    const sendAhead = (last: Held): Promise<unknown> => {
      const ahead = held;
      held = [];
      if (ahead.length === 0) return last.parameters === undefined ? raw(last.sql) : run(last.sql, last.parameters);
      if (!pipelined) {
        // One simple-protocol query for what was held (the kept statements rendered with literals).
        const texts = ahead.map((h) => h.sql).join(';\n');
        if (last.parameters === undefined && controlOf(last.sql) === 'commit') return raw(`${texts};\ncommit`).then(lastResult);
        return Promise.all([raw(texts), last.parameters === undefined ? raw(last.sql) : run(last.sql, last.parameters)]).then(([, value]) => value);
      }
      stream?.cork();
      try {
        // Each as its own (prepared) statement, all written at once; the first to fail fails them all with its own error.
        const results = [...ahead, last].map((h) => (h.parameters === undefined ? raw(h.sql) : run(h.sql, h.parameters)));
        return Promise.all(results).then((values) => values[values.length - 1]);
      } finally {
        stream?.uncork();
      }
    };
    wrapper = {
      query(sqlOrCursor: unknown, parameters?: readonly unknown[]) {
        const control = typeof sqlOrCursor === 'string' && (parameters === undefined || parameters.length === 0) ? controlOf(sqlOrCursor) : undefined;
        if (control === 'begin') {
          // Held until the transaction's first statement, which it travels with.
          held = [{ sql: sqlOrCursor as string }];
          inTransaction = true;
          return Promise.resolve(HELD_BEGIN);
        }
        if (control !== undefined) {
          const nothingSent = held.length > 0 && controlOf(held[0]!.sql) === 'begin';
          inTransaction = false;
          // A transaction that ran nothing ends without a round trip; ROLLBACK drops what was kept.
          if (nothingSent && (control === 'rollback' || held.length === 1)) {
            held = [];
            return Promise.resolve(control === 'commit' ? HELD_COMMIT : HELD_ROLLBACK);
          }
          if (control === 'rollback') held = [];
          return sendAhead({ sql: sqlOrCursor as string });
        }
        if (inTransaction && typeof sqlOrCursor === 'string' && sqlOrCursor.startsWith(DEFER_MARK)) {
          // Pipelining, a kept statement stays a prepared statement; otherwise it must render as literals.
          const text = pipelined ? sqlOrCursor : renderStatement(sqlOrCursor, parameters ?? [], escapeLiteral);
          if (text !== undefined) {
            held.push(pipelined ? { sql: text, parameters: parameters ?? [] } : { sql: text });
            return Promise.resolve({ ...KEPT, rows: [] });
          }
        }
        if (typeof sqlOrCursor !== 'string') return raw(sqlOrCursor, parameters);
        return sendAhead({ sql: sqlOrCursor, parameters: parameters ?? [] });
      },
      release: () => {
        inTransaction = false;
        held = [];
        client.release();
      },
    } as PostgresPoolClient;
    wrapped.set(client, wrapper);
    return wrapper;
  }

  return {
    connect: async () => wrap(await pool.connect()),
    end: () => pool.end(),
  };
}

/**
 * Runs `text` as the prepared statement `name`. node-postgres copies a query given as an object
 * property by property (`Object.getOwnPropertyDescriptors`, a few µs per statement — 2 % of a
 * PostgreSQL POST's CPU); a Query built from the text and named afterwards is submitted as it is.
 */
function namedQuery(client: pg.PoolClient, name: string, text: string, values: unknown[]): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const query = new (pgModule().Query)(text, values, (error: Error | undefined, result: unknown) => {
      if (error) {
        // As node-postgres does for its own promises: a stack that leads back to the caller.
        Error.captureStackTrace(error);
        reject(error);
      } else resolve(result);
    });
    (query as unknown as { name: string }).name = name;
    client.query(query);
  });
}

/** A statement held back: its SQL, and its parameters when it runs as a (prepared) extended query. */
interface Held {
  readonly sql: string;
  readonly parameters?: readonly unknown[];
}

/** A socket's write batching (node:stream `cork`/`uncork`, counted). */
interface Corkable {
  cork(): void;
  uncork(): void;
}

/** What a held BEGIN, or the end of a transaction that sent nothing, answers. */
const HELD_BEGIN = Object.freeze({ command: 'BEGIN', rowCount: null, rows: [] as unknown[] });
const HELD_COMMIT = Object.freeze({ command: 'COMMIT', rowCount: null, rows: [] as unknown[] });
const HELD_ROLLBACK = Object.freeze({ command: 'ROLLBACK', rowCount: null, rows: [] as unknown[] });

/** The result of the last statement of a multi-statement simple query. */
function lastResult(results: unknown): unknown {
  return Array.isArray(results) ? results[results.length - 1] : results;
}

/** PostgreSQL's refusal to run a prepared statement whose result columns changed. */
function isStalePlan(error: unknown): boolean {
  return (error as { code?: unknown }).code === '0A000' && /cached plan/.test(String((error as Error).message));
}
