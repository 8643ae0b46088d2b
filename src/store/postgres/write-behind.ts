/**
 * Write-behind for statements whose result nobody reads (the audit row, the outbox row, a user's
 * value rows), so a PostgreSQL write spends fewer round trips. The shared SQL code marks such a
 * statement with a leading `DEFER_MARK` comment (harmless on SQLite, which runs it as usual).
 *
 * Inside an explicit transaction a marked statement is answered at once with an empty result and
 * kept, its values rendered as SQL literals. The kept statements are sent ahead of the next
 * statement of the transaction, or with the COMMIT as one simple-protocol query (`insert …;
 * insert …; commit`): a write of several appends then costs one round trip at the end instead of
 * one each. A ROLLBACK drops them. Outside a transaction nothing is kept.
 *
 * - Order and read-your-writes: kept statements run before any later statement of the
 *   transaction, in the order they were issued (both are queued on the connection together).
 * - Failure: a kept statement that fails fails the query it travels with (the COMMIT, or the next
 *   statement) with its own error; PostgreSQL skips the rest of that query and leaves the
 *   transaction aborted, so the caller's ROLLBACK undoes the whole transaction, as if the statement
 *   had failed where it was issued. Marked statements must therefore be ones whose failure is not
 *   handled on the spot (no unique violation mapped to a 409, no RETURNING).
 * - Literals: values go through node-postgres' `escapeLiteral` as untyped string literals, which
 *   PostgreSQL resolves to the column's type exactly as it resolves an untyped text parameter.
 *   `escapeLiteral` doubles quotes and backslashes and switches to E'' when a backslash occurs,
 *   so the text is right whatever `standard_conforming_strings` says. Only null, strings, numbers,
 *   bigints and booleans are rendered; a statement with any other value (or a NUL character, which
 *   no PostgreSQL text holds) is not kept but runs at once.
 */

import { DEFER_MARK } from '../sql/precompiled.ts';

export { DEFER_MARK };

/** What node-postgres returns for one statement (the part Kysely reads). */
export interface PgResult {
  readonly command: string;
  readonly rowCount: number | null;
  readonly rows: unknown[];
}

/** Renders `value` as a SQL literal, or `undefined` when it cannot be rendered safely. */
function literal(value: unknown, escapeLiteral: (text: string) => string): string | undefined {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return value.includes('\u0000') ? undefined : escapeLiteral(value);
  if (typeof value === 'number') return Number.isFinite(value) ? escapeLiteral(String(value)) : undefined;
  if (typeof value === 'bigint') return escapeLiteral(value.toString());
  if (typeof value === 'boolean') return value ? "'true'" : "'false'";
  return undefined;
}

// A quoted identifier, a string literal, a comment, or a parameter `$n` (only the last is replaced).
const TOKENS = /"(?:[^"]|"")*"|'(?:[^']|'')*'|\/\*[\s\S]*?\*\/|\$(\d+)/g;

/**
 * `sql` with each `$n` replaced by the literal of `values[n - 1]`, or `undefined` when a value
 * cannot be rendered (see `literal`) or a parameter has no value.
 */
export function renderStatement(sql: string, values: readonly unknown[], escapeLiteral: (text: string) => string): string | undefined {
  const literals: (string | undefined)[] = values.map((v) => literal(v, escapeLiteral));
  if (literals.includes(undefined)) return undefined;
  let missing = false;
  const text = sql.replace(TOKENS, (token, n: string | undefined) => {
    if (n === undefined) return token;
    const rendered = literals[Number(n) - 1];
    if (rendered === undefined) missing = true;
    return rendered ?? token;
  });
  return missing ? undefined : text;
}

/** The transaction control statements the write-behind reacts to. */
export type Control = 'begin' | 'commit' | 'rollback';

/** `begin`/`start transaction`, `commit`, `rollback` (not `rollback to savepoint`), else `undefined`. */
export function controlOf(sql: string): Control | undefined {
  if (sql.length > 64) return undefined;
  const text = sql.trim().toLowerCase();
  if (text === 'begin' || text.startsWith('start transaction')) return 'begin';
  if (text === 'commit') return 'commit';
  if (text === 'rollback') return 'rollback';
  return undefined;
}

/** An empty answer for a kept statement (its result is never read). */
export const KEPT: PgResult = Object.freeze({ command: 'INSERT', rowCount: 0, rows: [] as unknown[] }) as PgResult;
