/**
 * Reading values out of the stored resource JSON, for the filter→SQL compiler and sorting. The
 * shared SQL code speaks only this interface; each dialect implements it in its own folder
 * (`sqlite/json-sql.ts`: JSON1 functions over TEXT; `postgres/json-sql.ts`: JSONB operators), the
 * way kysely's dialect query compilers override only what differs. Paths are bound parameters,
 * never spliced into the SQL text, unless a location asks for a literal path.
 */
import type { RawBuilder } from 'kysely';
import { sql } from 'kysely';

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

/** The dialect-specific SQL for reading stored JSON. Every predicate it returns is never NULL. */
export interface JsonSql {
  /** The scalar at `loc` as an SQL value: text for strings, else the dialect's natural type. */
  scalar(loc: JsonLocation): RawBuilder<unknown>;
  /** The value at `loc` exists and has JSON type `kind`. */
  is(loc: JsonLocation, kind: JsonKind): RawBuilder<boolean>;
  /** The number at `loc`, or NULL when it is absent or not a number. */
  number(loc: JsonLocation): RawBuilder<unknown>;
  /** The boolean at `loc` as a value that orders `false` before `true` (for `sortBy`). */
  sortableBoolean(loc: JsonLocation): RawBuilder<unknown>;
  /**
   * The object at `loc` has a present member (a complex value is present when one of its
   * sub-attributes is); `alias` names the member rows. A member that is a non-empty array or object
   * counts as present; schema-valid resources have no deeper nesting.
   */
  objectPresent(loc: JsonLocation, alias: string): RawBuilder<boolean>;
  /** `FROM` source expanding the JSON array at `loc` into rows aliased `alias`, and its element. */
  arrayElements(loc: JsonLocation, alias: string): { readonly from: RawBuilder<unknown>; readonly element: JsonLocation };
  /**
   * A stored dateTime text `raw` in the normalised form `YYYY-MM-DDTHH:MM:SS.mmmZ`, NULL when it
   * is not an xsd:dateTime (stored JSON holds the text as the client sent it).
   */
  normalisedDateTime(raw: RawBuilder<unknown>): RawBuilder<unknown>;
}

/**
 * A never-NULL predicate: the scalar at `loc` is present in the sense of `pr` (RFC 7644 §3.4.2.2,
 * RFC 7643 §2.5): a non-empty string, a number or a boolean (`false` and `0` are present).
 */
export function jsonScalarPresent(loc: JsonLocation, json: JsonSql): RawBuilder<boolean> {
  const notEmptyText = sql<boolean>`(${json.is(loc, 'string')} and ${json.scalar(loc)} <> '')`;
  const other = sql<boolean>`${json.is(loc, 'number')} or ${json.is(loc, 'true')} or ${json.is(loc, 'false')}`;
  return sql<boolean>`coalesce(${notEmptyText} or ${other}, false)`;
}
