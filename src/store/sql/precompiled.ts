/**
 * Hot statements compiled once per dialect. Building and compiling a Kysely query costs more than
 * running an indexed lookup, so the statements every request runs (a user by id or userName, a
 * user's groups, the rows a create writes) are written with the query builder as usual — typed
 * against the schema — but with numbered *slots* instead of values. The first call compiles the
 * query and remembers its SQL text and where each slot landed in the parameter list; later calls
 * only bind the new values, skipping the builder and the compiler.
 */
import { CompiledQuery, type Compilable, type Kysely, type QueryResult } from 'kysely';
import type { SqlCapabilities } from '../capabilities.ts';
import type { Database } from '../database.ts';
import type { SqlContext } from './context.ts';

const SLOT_PREFIX = '\u0000scimd-slot:';

/**
 * A placeholder for the `n`-th value of a precompiled statement. Typed as whatever the query
 * builder expects at that position: it is a marker the compiler passes through as a parameter.
 */
export function slot<T = never>(n: number): T {
  return `${SLOT_PREFIX}${n}` as unknown as T;
}

/** A compiled statement: its SQL, and for each parameter a slot number or a constant. */
interface Template {
  readonly sql: string;
  readonly parameters: readonly ({ readonly slot: number } | { readonly value: unknown })[];
  readonly slots: number;
}

/** SQL text depends only on the dialect, so templates are kept per capability set. */
const templates = new WeakMap<SqlCapabilities, Map<string, Template>>();

function compileTemplate(key: string, query: Compilable<unknown>): Template {
  const compiled = query.compile();
  const seen = new Set<number>();
  const parameters = compiled.parameters.map((value) => {
    if (typeof value === 'string' && value.startsWith(SLOT_PREFIX)) {
      const n = Number(value.slice(SLOT_PREFIX.length));
      seen.add(n);
      return { slot: n };
    }
    return { value };
  });
  for (let n = 0; n < seen.size; n += 1) {
    if (!seen.has(n)) throw new Error(`precompiled statement ${key}: slots must be numbered 0..${seen.size - 1}`);
  }
  return { sql: compiled.sql, parameters, slots: seen.size };
}

function templateFor(ctx: SqlContext, key: string, build: (db: Kysely<Database>) => Compilable<unknown>): Template {
  let byKey = templates.get(ctx.caps);
  if (byKey === undefined) templates.set(ctx.caps, (byKey = new Map()));
  let template = byKey.get(key);
  if (template === undefined) byKey.set(key, (template = compileTemplate(key, build(ctx.db))));
  return template;
}

/**
 * The comment that starts the SQL of a statement that may be written behind (`insertRows`'
 * `deferrable`): PostgreSQL's connection wrapper holds such statements back inside a transaction
 * (postgres/write-behind.ts); SQLite runs them as written.
 */
export const DEFER_MARK = '/* scimd:defer */ ';

/** `query` compiled with the write-behind mark in front of its SQL (harmless where nothing defers). */
export function deferrableStatement<R>(query: Compilable<R>): Compilable<R> {
  return {
    compile: () => {
      const compiled = query.compile();
      return { ...compiled, sql: `${DEFER_MARK}${compiled.sql}` };
    },
  };
}

/**
 * Runs the statement `build` describes (compiled on first use under `key`) with `values` in its
 * slots. `key` must name one statement shape: the same key always builds the same query.
 */
export async function runPrecompiled<R>(
  ctx: SqlContext,
  key: string,
  build: (db: Kysely<Database>) => Compilable<R>,
  values: readonly unknown[],
): Promise<QueryResult<R>> {
  const template = templateFor(ctx, key, build);
  if (values.length !== template.slots) throw new Error(`precompiled statement ${key}: expected ${template.slots} values, got ${values.length}`);
  const parameters = template.parameters.map((p) => ('slot' in p ? values[p.slot] : p.value));
  return ctx.db.executeQuery(CompiledQuery.raw(template.sql, parameters) as CompiledQuery<R>);
}

/**
 * Inserts `rows` into `table` with one multi-row INSERT (the caller keeps a chunk under the
 * drivers' parameter limits), compiled once per table, column list and row count. `deferrable`:
 * nothing is read back and a failure need not be handled where it happens, so a PostgreSQL
 * transaction may send the INSERT later, with its next statement or its COMMIT
 * (postgres/write-behind.ts).
 */
export async function insertRows(
  ctx: SqlContext,
  table: keyof Database,
  columns: readonly string[],
  rows: readonly Readonly<Record<string, unknown>>[],
  deferrable = false,
): Promise<void> {
  if (rows.length === 0) return;
  const width = columns.length;
  const values: unknown[] = [];
  for (const row of rows) for (const column of columns) values.push(row[column]);
  await runPrecompiled(ctx, `${table}.insert.${rows.length}.${columns.join()}${deferrable ? '.deferrable' : ''}`, (db) => {
    const objects = rows.map((_, r) => Object.fromEntries(columns.map((column, c) => [column, slot(r * width + c)])));
    const insert = db.insertInto(table).values(objects as never);
    return deferrable ? deferrableStatement(insert) : insert;
  }, values);
}
