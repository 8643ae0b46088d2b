/**
 * Reading values out of the stored resource JSON, for the filter→SQL compiler and sorting. The two
 * JSON flavours differ only here: SQLite's JSON1 functions over TEXT (`json_extract`, `json_type`,
 * `json_each`) and PostgreSQL's JSONB operators (`#>`, `#>>`, `jsonb_typeof`,
 * `jsonb_array_elements`). Paths are always bound parameters, never spliced into the SQL text.
 */
import { sql } from 'kysely';
import type { RawBuilder } from 'kysely';
import { badRequest } from '../core/scim-error.ts';
import type { SqlCapabilities } from './capabilities.ts';

/** A JSON type as both dialects can report it (SQLite `json_type`, PostgreSQL `jsonb_typeof`). */
export type JsonKind = 'string' | 'number' | 'true' | 'false' | 'array' | 'object';

/**
 * Where a JSON value lives: a JSON column (or element) and the object keys leading to the value.
 * `element` marks the row of a JSON array expansion whose own value is read (SQLite's `json_each`
 * exposes a scalar element as `atom`/`type` columns rather than as JSON text).
 */
export interface JsonLocation {
  readonly base: RawBuilder<unknown>;
  readonly path: readonly string[];
  readonly element?: { readonly alias: string };
  /**
   * Spell the path as an SQL literal instead of a bound parameter. Extension attributes use it: a
   * database answers from an expression index only when the query's expression equals the indexed
   * one, and an index names its JSON path literally (docs/extensions.md, "Indexing").
   */
  readonly literal?: boolean;
}

const isSqlite = (caps: SqlCapabilities): boolean => caps.jsonExtract === 'sqlite-json';

/** The SQLite JSON path `$."a"."b"` for object keys; keys with a double quote cannot be addressed. */
function sqlitePath(path: readonly string[]): string {
  for (const key of path) {
    if (key.includes('"')) throw badRequest('invalidFilter', `The attribute name ${key} cannot be filtered on`);
  }
  return ['$', ...path.map((key) => `"${key}"`)].join('.');
}

/** A PostgreSQL text[] literal of `path`, every element double-quoted (URNs may hold commas or braces). */
export function pgPathLiteral(path: readonly string[]): string {
  return `{${path.map((key) => `"${key.replace(/["\\]/g, (c) => `\\${c}`)}"`).join(',')}}`;
}

/** The path of `loc` for PostgreSQL's `#>` / `#>>`: a bound text[] or, for `literal`, a constant. */
function pgPath(loc: JsonLocation): RawBuilder<unknown> {
  return loc.literal ? sql`${sql.lit(pgPathLiteral(loc.path))}::text[]` : sql`${sql.val(loc.path)}::text[]`;
}

/** The path of `loc` for SQLite's JSON functions: bound, or literal for `literal`. */
function sqlitePathOf(loc: JsonLocation): RawBuilder<unknown> {
  const path = sqlitePath(loc.path);
  return loc.literal ? sql.lit(path) : sql`${path}`;
}

/** The JSON value at `loc` as JSONB (PostgreSQL only). */
function pgJson(loc: JsonLocation): RawBuilder<unknown> {
  return loc.path.length === 0 ? loc.base : sql`(${loc.base} #> ${pgPath(loc)})`;
}

/** The scalar at `loc` as an SQL value: text for strings, numbers for numbers (SQLite), else text. */
export function jsonScalar(loc: JsonLocation, caps: SqlCapabilities): RawBuilder<unknown> {
  if (isSqlite(caps)) {
    if (loc.element && loc.path.length === 0) return sql`${sql.ref(loc.element.alias)}.atom`;
    return sql`json_extract(${loc.base}, ${sqlitePathOf(loc)})`;
  }
  return loc.path.length === 0 ? sql`(${loc.base} #>> '{}')` : sql`(${loc.base} #>> ${pgPath(loc)})`;
}

/** The JSON type name at `loc` (NULL when the path is absent). */
function jsonTypeName(loc: JsonLocation, caps: SqlCapabilities): RawBuilder<unknown> {
  if (isSqlite(caps)) {
    if (loc.element && loc.path.length === 0) return sql`${sql.ref(loc.element.alias)}.type`;
    return sql`json_type(${loc.base}, ${sqlitePathOf(loc)})`;
  }
  return sql`jsonb_typeof(${pgJson(loc)})`;
}

const SQLITE_KINDS: Readonly<Record<JsonKind, readonly string[]>> = {
  string: ['text'],
  number: ['integer', 'real'],
  true: ['true'],
  false: ['false'],
  array: ['array'],
  object: ['object'],
};

/** A never-NULL predicate: the value at `loc` exists and has JSON type `kind`. */
export function jsonIs(loc: JsonLocation, kind: JsonKind, caps: SqlCapabilities): RawBuilder<boolean> {
  const type = jsonTypeName(loc, caps);
  if (isSqlite(caps)) {
    const names = SQLITE_KINDS[kind];
    return sql<boolean>`coalesce(${type} in (${sql.join(names.map((n) => sql.lit(n)))}), false)`;
  }
  if (kind === 'true' || kind === 'false') {
    return sql<boolean>`coalesce(${pgJson(loc)} = ${sql.lit(kind)}::jsonb, false)`;
  }
  return sql<boolean>`coalesce(${type} = ${sql.lit(kind)}, false)`;
}

/** The number at `loc`, or NULL when it is absent or not a number. */
export function jsonNumber(loc: JsonLocation, caps: SqlCapabilities): RawBuilder<unknown> {
  if (isSqlite(caps)) return sql`(case when ${jsonIs(loc, 'number', caps)} then ${jsonScalar(loc, caps)} end)`;
  return sql`(case when ${jsonIs(loc, 'number', caps)} then (${pgJson(loc)})::numeric end)`;
}

/**
 * A never-NULL predicate: the scalar at `loc` is present in the sense of `pr` (RFC 7644 §3.4.2.2,
 * RFC 7643 §2.5): a non-empty string, a number or a boolean (`false` and `0` are present).
 */
export function jsonScalarPresent(loc: JsonLocation, caps: SqlCapabilities): RawBuilder<boolean> {
  const notEmptyText = sql<boolean>`(${jsonIs(loc, 'string', caps)} and ${jsonScalar(loc, caps)} <> '')`;
  const other = sql<boolean>`${jsonIs(loc, 'number', caps)} or ${jsonIs(loc, 'true', caps)} or ${jsonIs(loc, 'false', caps)}`;
  return sql<boolean>`coalesce(${notEmptyText} or ${other}, false)`;
}

/**
 * A never-NULL predicate: the object at `loc` has a present member (a complex value is present
 * when one of its sub-attributes is). A member that is itself a non-empty array or object counts as
 * present; schema-valid resources have no deeper nesting.
 */
export function jsonObjectPresent(loc: JsonLocation, alias: string, caps: SqlCapabilities): RawBuilder<boolean> {
  const m = sql.ref(alias);
  if (isSqlite(caps)) {
    const source = loc.element && loc.path.length === 0 ? sql`${sql.ref(loc.element.alias)}.value` : loc.base;
    const member = sql<boolean>`${m}.type in ('integer', 'real', 'true', 'false') or (${m}.type = 'text' and ${m}.atom <> '') or (${m}.type in ('array', 'object') and ${m}.value not in ('[]', '{}'))`;
    return sql<boolean>`(${jsonIs(loc, 'object', caps)} and exists (select 1 from json_each(${source}, ${sqlitePathOf(loc)}) as ${sql.id(alias)} where ${member}))`;
  }
  const object = pgJson(loc);
  const type = sql`jsonb_typeof(${m}.value)`;
  const member = sql<boolean>`${type} in ('number', 'boolean') or (${type} = 'string' and ${m}.value <> '""'::jsonb) or (${type} in ('array', 'object') and ${m}.value not in ('[]'::jsonb, '{}'::jsonb))`;
  return sql<boolean>`exists (select 1 from jsonb_each(case when jsonb_typeof(${object}) = 'object' then ${object} end) as ${sql.id(alias)}(key, value) where ${member})`;
}

/** `FROM` source expanding the JSON array at `loc` into rows aliased `alias`, and its element. */
export function jsonArrayElements(
  loc: JsonLocation,
  alias: string,
  caps: SqlCapabilities,
): { readonly from: RawBuilder<unknown>; readonly element: JsonLocation } {
  if (isSqlite(caps)) {
    const from = sql`json_each(${loc.base}, ${sqlitePathOf(loc)}) as ${sql.id(alias)}`;
    const element = { base: sql`${sql.ref(alias)}.value`, path: [], element: { alias } };
    return { from, element };
  }
  const array = pgJson(loc);
  // A NULL argument yields no rows, so absent or non-array values expand to nothing.
  const from = sql`jsonb_array_elements(case when jsonb_typeof(${array}) = 'array' then ${array} end) as ${sql.id(alias)}(value)`;
  return { from, element: { base: sql`${sql.ref(alias)}.value`, path: [], element: { alias } } };
}
