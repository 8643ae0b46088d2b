/** PostgreSQL's reading of stored JSON: the JSONB operators `#>`, `#>>`, `jsonb_typeof` and `jsonb_array_elements`. */
import { sql } from 'kysely';
import type { RawBuilder } from 'kysely';
import type { JsonKind, JsonLocation, JsonSql } from '../json-sql.ts';

/** A PostgreSQL text[] literal of `path`, every element double-quoted (URNs may hold commas or braces). */
export function pgPathLiteral(path: readonly string[]): string {
  return `{${path.map((key) => `"${key.replace(/["\\]/g, (c) => `\\${c}`)}"`).join(',')}}`;
}

/** The path of `loc` for `#>` / `#>>`: a bound text[] or, for `literal`, a constant. */
function pathOf(loc: JsonLocation): RawBuilder<unknown> {
  return loc.literal ? sql`${sql.lit(pgPathLiteral(loc.path))}::text[]` : sql`${sql.val(loc.path)}::text[]`;
}

/** The JSON value at `loc` as JSONB. */
function jsonb(loc: JsonLocation): RawBuilder<unknown> {
  return loc.path.length === 0 ? loc.base : sql`(${loc.base} #> ${pathOf(loc)})`;
}

function scalar(loc: JsonLocation): RawBuilder<unknown> {
  return loc.path.length === 0 ? sql`(${loc.base} #>> '{}')` : sql`(${loc.base} #>> ${pathOf(loc)})`;
}

function is(loc: JsonLocation, kind: JsonKind): RawBuilder<boolean> {
  if (kind === 'true' || kind === 'false') return sql<boolean>`coalesce(${jsonb(loc)} = ${sql.lit(kind)}::jsonb, false)`;
  return sql<boolean>`coalesce(jsonb_typeof(${jsonb(loc)}) = ${sql.lit(kind)}, false)`;
}

const DATE_TIME = '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}([.][0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})?$';

/** The PostgreSQL implementation of {@link JsonSql}. */
export const postgresJsonSql: JsonSql = Object.freeze({
  scalar,
  is,
  number: (loc: JsonLocation) => sql`(case when ${is(loc, 'number')} then (${jsonb(loc)})::numeric end)`,
  sortableBoolean: (loc: JsonLocation) => sql`(${scalar(loc)})::boolean`,
  objectPresent(loc: JsonLocation, alias: string): RawBuilder<boolean> {
    const m = sql.ref(alias);
    const object = jsonb(loc);
    const type = sql`jsonb_typeof(${m}.value)`;
    const member = sql<boolean>`${type} in ('number', 'boolean') or (${type} = 'string' and ${m}.value <> '""'::jsonb) or (${type} in ('array', 'object') and ${m}.value not in ('[]'::jsonb, '{}'::jsonb))`;
    return sql<boolean>`exists (select 1 from jsonb_each(case when jsonb_typeof(${object}) = 'object' then ${object} end) as ${sql.id(alias)}(key, value) where ${member})`;
  },
  arrayElements(loc: JsonLocation, alias: string) {
    const array = jsonb(loc);
    // A NULL argument yields no rows, so absent or non-array values expand to nothing.
    const from = sql`jsonb_array_elements(case when jsonb_typeof(${array}) = 'array' then ${array} end) as ${sql.id(alias)}(value)`;
    return { from, element: { base: sql`${sql.ref(alias)}.value`, path: [], element: { alias } } };
  },
  normalisedDateTime(raw: RawBuilder<unknown>): RawBuilder<unknown> {
    const zoned = sql`(case when ${raw} ~ '(Z|[+-][0-9]{2}:[0-9]{2})$' then ${raw} else ${raw} || 'Z' end)`;
    const instant = sql`(case when ${raw} ~ ${sql.lit(DATE_TIME)} then ${zoned}::timestamptz end)`;
    return sql`to_char(${instant} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
  },
});
