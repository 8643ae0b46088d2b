/** SQLite's reading of stored JSON: the JSON1 functions over TEXT (`json_extract`, `json_type`, `json_each`). */
import { sql } from 'kysely';
import type { RawBuilder } from 'kysely';
import { badRequest } from '../../core/scim-error.ts';
import type { JsonKind, JsonLocation, JsonSql } from '../json-sql.ts';

/** The SQLite JSON path `$."a"."b"` for object keys; keys with a double quote cannot be addressed. */
function jsonPath(path: readonly string[]): string {
  for (const key of path) {
    if (key.includes('"')) throw badRequest('invalidFilter', `The attribute name ${key} cannot be filtered on`);
  }
  return ['$', ...path.map((key) => `"${key}"`)].join('.');
}

/** The path of `loc`: bound, or literal for `literal`. */
function pathOf(loc: JsonLocation): RawBuilder<unknown> {
  const path = jsonPath(loc.path);
  return loc.literal ? sql.lit(path) : sql`${path}`;
}

/** `json_each` reports a scalar element in its own `atom`/`type` columns. */
const isElementItself = (loc: JsonLocation): loc is JsonLocation & { element: { alias: string } } =>
  loc.element !== undefined && loc.path.length === 0;

const KINDS: Readonly<Record<JsonKind, readonly string[]>> = {
  string: ['text'],
  number: ['integer', 'real'],
  true: ['true'],
  false: ['false'],
  array: ['array'],
  object: ['object'],
};

function scalar(loc: JsonLocation): RawBuilder<unknown> {
  if (isElementItself(loc)) return sql`${sql.ref(loc.element.alias)}.atom`;
  return sql`json_extract(${loc.base}, ${pathOf(loc)})`;
}

function typeName(loc: JsonLocation): RawBuilder<unknown> {
  if (isElementItself(loc)) return sql`${sql.ref(loc.element.alias)}.type`;
  return sql`json_type(${loc.base}, ${pathOf(loc)})`;
}

function is(loc: JsonLocation, kind: JsonKind): RawBuilder<boolean> {
  return sql<boolean>`coalesce(${typeName(loc)} in (${sql.join(KINDS[kind].map((n) => sql.lit(n)))}), false)`;
}

/** The SQLite implementation of {@link JsonSql}. */
export const sqliteJsonSql: JsonSql = Object.freeze({
  scalar,
  is,
  number: (loc: JsonLocation) => sql`(case when ${is(loc, 'number')} then ${scalar(loc)} end)`,
  // json_extract already yields 0/1 for JSON false/true.
  sortableBoolean: scalar,
  objectPresent(loc: JsonLocation, alias: string): RawBuilder<boolean> {
    const m = sql.ref(alias);
    const source = isElementItself(loc) ? sql`${sql.ref(loc.element.alias)}.value` : loc.base;
    const member = sql<boolean>`${m}.type in ('integer', 'real', 'true', 'false') or (${m}.type = 'text' and ${m}.atom <> '') or (${m}.type in ('array', 'object') and ${m}.value not in ('[]', '{}'))`;
    return sql<boolean>`(${is(loc, 'object')} and exists (select 1 from json_each(${source}, ${pathOf(loc)}) as ${sql.id(alias)} where ${member}))`;
  },
  arrayElements(loc: JsonLocation, alias: string) {
    const from = sql`json_each(${loc.base}, ${pathOf(loc)}) as ${sql.id(alias)}`;
    return { from, element: { base: sql`${sql.ref(alias)}.value`, path: [], element: { alias } } };
  },
  normalisedDateTime: (raw: RawBuilder<unknown>) => sql`strftime('%Y-%m-%dT%H:%M:%fZ', ${raw})`,
});
