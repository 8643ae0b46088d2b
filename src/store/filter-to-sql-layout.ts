/**
 * Where each SCIM attribute of a User or Group lives in the agreed database layout (database.ts):
 * a dedicated column, a side-table row (`user_values`, `memberships`) or the resource JSON. The
 * filter→SQL compiler and sorting ask this module for an attribute's SQL source and never spell a
 * column name themselves.
 */
import { sql } from 'kysely';
import type { RawBuilder } from 'kysely';
import { badRequest } from '../core/scim-error.ts';
import type { AttributeDefinition, ResolvedAttribute } from '../core/schema/types.ts';
import type { SqlCapabilities } from './capabilities.ts';
import { jsonScalarPresent } from './json-sql.ts';
import type { JsonLocation } from './json-sql.ts';
import { USER_VALUE_ATTRIBUTES as VALUE_ROW_ATTRIBUTES } from './resource-rows.ts';

/** The resource tables a filter can target. */
export type FilterTarget = 'users' | 'groups';

/**
 * A single SQL value an attribute compares against: a column (with its JS-lowercased twin when
 * one exists) or a place in a JSON document.
 */
export type ScalarSource =
  | {
      readonly kind: 'column';
      readonly column: RawBuilder<unknown>;
      /** A column holding `toLowerCase()` of `column`; case-insensitive comparisons use it. */
      readonly lowered?: RawBuilder<unknown>;
      readonly nullable: boolean;
    }
  | {
      readonly kind: 'json';
      readonly location: JsonLocation;
      /** A boolean column equal to "this JSON value is `true`" (`user_values.is_primary`). */
      readonly trueColumn?: RawBuilder<unknown>;
    };

/** The rows of one multi-valued attribute: an `EXISTS (SELECT 1 FROM from WHERE correlation …)`. */
export interface ElementSource {
  /** The attribute's canonical name, for error details. */
  readonly label: string;
  readonly from: RawBuilder<unknown>;
  /** Ties the rows to the outer resource row; absent when `from` is already correlated. */
  readonly correlation?: RawBuilder<boolean>;
  /** The element itself, for multi-valued attributes without sub-attributes (`schemas`). */
  readonly whole?: ScalarSource;
  /** Where one sub-attribute of an element lives; throws 400 when it cannot be filtered. */
  subAttribute(definition: AttributeDefinition): ScalarSource;
  /** The element is present (`pr`): some sub-attribute of a complex element is, or the value is. */
  elementPresent(alias: string): RawBuilder<boolean>;
}

interface ColumnSpec {
  readonly column: string;
  readonly lowered?: string;
  readonly nullable: boolean;
}

// Keyed by the canonical core-schema path. Ids are generated lowercase (UUIDv7-style), so an id
// column is its own lowercase form: `lower(id) = lower(x)` is exactly `id = lower(x)`.
const USER_COLUMNS: Readonly<Record<string, ColumnSpec>> = {
  id: { column: 'id', lowered: 'id', nullable: false },
  externalId: { column: 'external_id', nullable: true },
  userName: { column: 'user_name', lowered: 'user_name_lc', nullable: false },
  displayName: { column: 'display_name', lowered: 'display_name_lc', nullable: true },
  userType: { column: 'user_type', nullable: true },
  'name.givenName': { column: 'given_name', nullable: true },
  'name.familyName': { column: 'family_name', nullable: true },
  'meta.created': { column: 'created_at', nullable: false },
  'meta.lastModified': { column: 'updated_at', nullable: false },
};

const GROUP_COLUMNS: Readonly<Record<string, ColumnSpec>> = {
  id: { column: 'id', lowered: 'id', nullable: false },
  externalId: { column: 'external_id', nullable: true },
  displayName: { column: 'display_name', lowered: 'display_name_lc', nullable: false },
  'meta.created': { column: 'created_at', nullable: false },
  'meta.lastModified': { column: 'updated_at', nullable: false },
};

/** The multi-valued complex attributes of the core User schema kept as `user_values` rows. */
export const USER_VALUE_ATTRIBUTES: ReadonlySet<string> = new Set(VALUE_ROW_ATTRIBUTES);

const column = (table: string, name: string): RawBuilder<unknown> => sql.ref(`${table}.${name}`);

/** The key of a resolved attribute in the column maps, or undefined for extension attributes. */
function columnKey(resolved: ResolvedAttribute): string | undefined {
  if (resolved.extension) return undefined;
  const sub = resolved.subAttribute;
  return sub ? `${resolved.attribute.name}.${sub.name}` : resolved.attribute.name;
}

/** The JSON keys of a resolved attribute inside `resource` (extension attributes under their URN). */
export function jsonKeys(resolved: ResolvedAttribute): string[] {
  const keys = resolved.extension ? [resolved.schemaId] : [];
  keys.push(resolved.attribute.name);
  if (resolved.subAttribute) keys.push(resolved.subAttribute.name);
  return keys;
}

/** Where a single-valued attribute (or a sub-attribute of a single-valued complex one) lives. */
export function scalarSource(target: FilterTarget, resolved: ResolvedAttribute): ScalarSource {
  const key = columnKey(resolved);
  const location = { base: column(target, 'resource'), path: jsonKeys(resolved), ...(resolved.extension ? { literal: true } : {}) };
  // The `active` column is `resource.active === true`: exact for `eq true`, while `eq false` and
  // `pr` must tell false from absent and read the JSON.
  if (target === 'users' && key === 'active') return { kind: 'json', location, trueColumn: column(target, 'active') };
  const spec = key === undefined ? undefined : (target === 'users' ? USER_COLUMNS : GROUP_COLUMNS)[key];
  if (spec) {
    return {
      kind: 'column',
      column: column(target, spec.column),
      ...(spec.lowered ? { lowered: column(target, spec.lowered) } : {}),
      nullable: spec.nullable,
    };
  }
  return { kind: 'json', location };
}

/** The indexed columns an equality on a string attribute can be answered from directly. */
const INDEXED_EQUALITY: Readonly<Record<FilterTarget, ReadonlySet<string>>> = {
  users: new Set(['id', 'user_name_lc', 'external_id']),
  groups: new Set(['id', 'display_name_lc', 'external_id']),
};

/**
 * For `attr eq "text"` on a core string attribute stored in an indexed column (ids, userName,
 * externalId, a group's displayName): that column and the value to compare it with, else
 * undefined. The same reduction the compiler's string predicate makes — a case-insensitive
 * attribute compares its `_lc` twin with the lower-cased text — so listings can run the lookup
 * IdPs send most as one precompiled statement.
 */
export function indexedEquality(target: FilterTarget, resolved: ResolvedAttribute, text: string): { column: string; value: string } | undefined {
  const key = columnKey(resolved);
  const definition = resolved.attribute;
  if (key === undefined || resolved.subAttribute !== undefined || definition.multiValued || definition.type !== 'string') return undefined;
  if (definition.returned === 'never') return undefined;
  const spec = (target === 'users' ? USER_COLUMNS : GROUP_COLUMNS)[key];
  const folded = !definition.caseExact;
  const column = folded ? spec?.lowered : spec?.column;
  if (column === undefined || !INDEXED_EQUALITY[target].has(column)) return undefined;
  return { column, value: folded ? text.toLowerCase() : text };
}

const notFilterable = (label: string, sub: string): never => {
  throw badRequest('invalidFilter', `Filtering on ${label}.${sub} is not supported; filter on ${label}.value instead`);
};

function userValuesSource(name: string, alias: string, caps: SqlCapabilities): ElementSource {
  const col = (c: string): RawBuilder<unknown> => column(alias, c);
  return {
    label: name,
    from: sql`user_values as ${sql.id(alias)}`,
    correlation: sql<boolean>`${col('org_id')} = ${sql.ref('users.org_id')} and ${col('user_id')} = ${sql.ref('users.id')} and ${col('attr')} = ${name}`,
    subAttribute(definition) {
      if (definition.name === 'value') return { kind: 'column', column: col('value'), lowered: col('value_lc'), nullable: true };
      if (definition.name === 'type') return { kind: 'column', column: col('type'), nullable: true };
      const location = { base: col('elem'), path: [definition.name] };
      if (definition.name === 'primary') return { kind: 'json', location, trueColumn: col('is_primary') };
      return { kind: 'json', location };
    },
    elementPresent: (inner) => caps.json.objectPresent({ base: col('elem'), path: [] }, inner),
  };
}

/** `members` of a group, or the direct `groups` of a user, as `memberships` rows. */
function membershipsSource(target: FilterTarget, name: string, alias: string): ElementSource {
  const col = (c: string): RawBuilder<unknown> => column(alias, c);
  const [own, other] = target === 'groups' ? ['group_id', 'member_id'] : ['member_id', 'group_id'];
  return {
    label: name,
    from: sql`memberships as ${sql.id(alias)}`,
    correlation: sql<boolean>`${col('org_id')} = ${sql.ref(`${target}.org_id`)} and ${col(own)} = ${sql.ref(`${target}.id`)}`,
    subAttribute(definition) {
      if (definition.name === 'value') return { kind: 'column', column: col(other), lowered: col(other), nullable: false };
      if (definition.name === 'type' && target === 'groups') {
        return { kind: 'column', column: col('member_type'), nullable: false };
      }
      return notFilterable(name, definition.name);
    },
    // Every membership row has a member id, so every element is present.
    elementPresent: () => sql<boolean>`1 = 1`,
  };
}

/** The rows of the multi-valued attribute `resolved`, aliased `alias` inside an EXISTS. */
export function elementSource(
  target: FilterTarget,
  resolved: ResolvedAttribute,
  alias: string,
  caps: SqlCapabilities,
): ElementSource {
  const name = resolved.attribute.name;
  if (!resolved.extension) {
    if (target === 'users' && USER_VALUE_ATTRIBUTES.has(name)) return userValuesSource(name, alias, caps);
    if ((target === 'groups' && name === 'members') || (target === 'users' && name === 'groups')) {
      return membershipsSource(target, name, alias);
    }
  }
  const path = jsonKeys({ schemaId: resolved.schemaId, extension: resolved.extension, attribute: resolved.attribute });
  const { from, element } = caps.json.arrayElements({ base: column(target, 'resource'), path, ...(resolved.extension ? { literal: true } : {}) }, alias);
  const complex = resolved.attribute.type === 'complex';
  return {
    label: name,
    from,
    ...(complex ? { correlation: caps.json.is(element, 'object') } : { whole: { kind: 'json', location: element } }),
    subAttribute: (definition) => ({ kind: 'json', location: { ...element, path: [definition.name] } }),
    elementPresent: (inner) => (complex ? caps.json.objectPresent(element, inner) : jsonScalarPresent(element, caps.json)),
  };
}
