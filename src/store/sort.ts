/**
 * The SQL value a listing is ordered by for `sortBy` (RFC 7644 §3.4.2.3). Case-insensitive strings
 * sort by their JavaScript-lowercased form, in code point order on both dialects; a multi-valued
 * attribute sorts by its primary value, else its first value (`emails` → `primary_email_lc`).
 * The caller adds the direction, "no value last when ascending" and the `id` tie-breaker.
 */
import { sql } from 'kysely';
import type { Expression, RawBuilder } from 'kysely';
import { printAttributePath } from '../core/filter/attribute-path.ts';
import type { AttributePath } from '../core/filter/nodes.ts';
import { badRequest } from '../core/scim-error.ts';
import { findSubAttribute, resolveAttribute } from '../core/schema/resolve.ts';
import type { AttributeDefinition, ResolvedAttribute, ResourceSchemas } from '../core/schema/types.ts';
import type { SqlCapabilities } from './capabilities.ts';
import { loweredValue, sourceValue } from './filter-to-sql-compare.ts';
import { USER_VALUE_ATTRIBUTES, scalarSource } from './filter-to-sql-layout.ts';
import type { FilterTarget, ScalarSource } from './filter-to-sql-layout.ts';

const unsortable = (path: AttributePath, why: string): never => {
  throw badRequest('invalidValue', `sortBy=${printAttributePath(path)} cannot be used: ${why}`);
};

const isText = (definition: AttributeDefinition): boolean =>
  definition.type === 'string' || definition.type === 'reference' || definition.type === 'binary';

/** The sortable SQL value of one scalar source with the given definition. */
function scalarSortValue(source: ScalarSource, definition: AttributeDefinition, caps: SqlCapabilities): RawBuilder<unknown> {
  if (isText(definition)) {
    const folded = !definition.caseExact && definition.type !== 'binary';
    return caps.binaryOrder(folded ? loweredValue(source, caps) : sourceValue(source, caps));
  }
  if (source.kind === 'json' && (definition.type === 'integer' || definition.type === 'decimal')) {
    return caps.json.number(source.location);
  }
  if (source.kind === 'json' && definition.type === 'boolean') return caps.json.sortableBoolean(source.location);
  return sourceValue(source, caps);
}

/** The primary-else-first element's sub-attribute of a `user_values` attribute. */
function userValueSortValue(name: string, sub: AttributeDefinition, caps: SqlCapabilities): RawBuilder<unknown> {
  if (name === 'emails' && sub.name === 'value') return caps.binaryOrder(sql.ref('users.primary_email_lc'));
  const folded = isText(sub) && !sub.caseExact && sub.type !== 'binary';
  let column: RawBuilder<unknown>;
  if (sub.name === 'value') column = sql.ref(folded ? 's.value_lc' : 's.value');
  else if (sub.name === 'type') column = folded ? sql`${sql.raw(caps.lowerFunction)}(s.type)` : sql.ref('s.type');
  else return unsupportedSub(name, sub);
  const first = sql`(select ${column} from user_values as s where s.org_id = users.org_id and s.user_id = users.id and s.attr = ${name} order by s.is_primary desc, s.pos limit 1)`;
  return caps.binaryOrder(first);
}

function unsupportedSub(name: string, sub: AttributeDefinition): never {
  throw badRequest('invalidValue', `sortBy=${name}.${sub.name} cannot be used: sort by ${name}.value or ${name}.type`);
}

/** Multi-valued attributes: the primary value, else the first (RFC 7644 §3.4.2.3). */
function multiValuedSortValue(path: AttributePath, resolved: ResolvedAttribute, target: FilterTarget, caps: SqlCapabilities): RawBuilder<unknown> {
  const { attribute } = resolved;
  if (resolved.extension || target !== 'users' || !USER_VALUE_ATTRIBUTES.has(attribute.name)) {
    return unsortable(path, `sorting by the multi-valued attribute ${attribute.name} is not supported`);
  }
  const sub = resolved.subAttribute ?? findSubAttribute(attribute, 'value');
  if (sub === undefined) return unsortable(path, `${attribute.name} has no value; name a sub-attribute such as ${attribute.name}.type`);
  return userValueSortValue(attribute.name, sub, caps);
}

/**
 * The expression to `ORDER BY` for `sortBy=path` (RFC 7644 §3.4.2.3). Throws 400 `invalidValue`
 * when the attribute is unknown or cannot be sorted (a complex attribute without a `value`, a
 * multi-valued attribute outside the User's side table, `password`). RFC 7644 names no error for
 * an unsortable `sortBy`; `invalidValue` is the closest of §3.12, Table 9.
 */
export function sortExpression(
  path: AttributePath,
  target: FilterTarget,
  schemas: ResourceSchemas,
  caps: SqlCapabilities,
): Expression<unknown> {
  const resolved = resolveAttribute(schemas, path);
  if (resolved === undefined) return unsortable(path, `it is not an attribute of the ${schemas.resourceType.name} resource`);
  if (resolved.attribute.returned === 'never') return unsortable(path, 'the attribute is never returned');
  if (resolved.attribute.multiValued) return multiValuedSortValue(path, resolved, target, caps);
  let { subAttribute } = resolved;
  if (subAttribute === undefined && resolved.attribute.type === 'complex') {
    subAttribute = findSubAttribute(resolved.attribute, 'value');
    if (subAttribute === undefined) return unsortable(path, 'it is complex; name one of its sub-attributes, as in name.familyName');
  }
  const at = subAttribute === undefined ? resolved : { ...resolved, subAttribute };
  return scalarSortValue(scalarSource(target, at), subAttribute ?? resolved.attribute, caps);
}
