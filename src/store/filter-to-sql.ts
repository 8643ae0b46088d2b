/**
 * The filter→SQL compiler: turns a parsed SCIM filter (RFC 7644 §3.4.2.2) into a Kysely boolean
 * expression over the `users` or `groups` table, with the same meaning as the in-memory matcher
 * (src/core/filter/match.ts). Every literal is a bound parameter. A filter it cannot express exactly
 * is rejected with 400 `invalidFilter` — never answered by a partial or unfiltered query.
 */
import { sql } from 'kysely';
import type { Expression, RawBuilder, SqlBool } from 'kysely';
import { printAttributePath } from '../core/filter/attribute-path.ts';
import { checkFilter } from '../core/filter/match.ts';
import type { Filter, ValuePathNode } from '../core/filter/nodes.ts';
import { badRequest } from '../core/scim-error.ts';
import { resolveAttribute } from '../core/schema/resolve.ts';
import type { AttributeDefinition, ResourceSchemas } from '../core/schema/types.ts';
import type { SqlCapabilities } from './capabilities.ts';
import { compileElementLeaf, compileResourceLeaf, existsIn, singleValuePath } from './filter-to-sql-attribute.ts';
import type { AttributeContext, LeafNode } from './filter-to-sql-attribute.ts';
import { FALSE } from './filter-to-sql-compare.ts';
import { elementSource } from './filter-to-sql-layout.ts';
import type { ElementSource, FilterTarget } from './filter-to-sql-layout.ts';

export type { FilterTarget } from './filter-to-sql-layout.ts';

/** Bounds on the SQL one filter may produce, so a hostile filter cannot build a huge query. */
export interface FilterSqlLimits {
  /** Most filter nodes (comparisons, `and`, `or`, `not`, value paths) in one filter. */
  readonly maxNodes?: number;
  /** Most `EXISTS` subqueries (multi-valued attributes, value paths, members) in one filter. */
  readonly maxExists?: number;
}

/** The defaults: far above what Entra ID or Okta send (one or two comparisons). */
export const DEFAULT_FILTER_SQL_LIMITS: Readonly<Required<FilterSqlLimits>> = Object.freeze({
  maxNodes: 100,
  maxExists: 10,
});

interface Context extends AttributeContext {
  readonly limits: Readonly<Required<FilterSqlLimits>>;
  nodes: number;
}

/**
 * Compiles `filter` into a boolean expression over the table `target` (RFC 7644 §3.4.2.2), with
 * the in-memory matcher's meaning (docs/filters.md). The caller adds the `org_id` condition; the
 * expression references the table by its real name. Throws ScimError 400 `invalidFilter` — with
 * the matcher's own detail for type errors — for anything it cannot express exactly.
 */
export function filterToSql(
  filter: Filter,
  target: FilterTarget,
  schemas: ResourceSchemas,
  caps: SqlCapabilities,
  limits: FilterSqlLimits = {},
): Expression<SqlBool> {
  checkFilter(filter, schemas);
  const bounds = { ...DEFAULT_FILTER_SQL_LIMITS, ...limits };
  let subqueries = 0;
  const alias = (): string => {
    subqueries += 1;
    if (subqueries > bounds.maxExists) {
      throw badRequest(
        'invalidFilter',
        `The filter is too complex: at most ${bounds.maxExists} conditions on multi-valued or complex attributes are allowed`,
      );
    }
    return `e${subqueries}`;
  };
  const context: Context = { target, schemas, caps, alias, limits: bounds, nodes: 0 };
  return compileNode(filter, context) as RawBuilder<SqlBool>;
}

function count(context: Context): void {
  context.nodes += 1;
  if (context.nodes > context.limits.maxNodes) {
    throw badRequest('invalidFilter', `The filter is too complex: at most ${context.limits.maxNodes} terms are allowed`);
  }
}

/** `and`/`or`/`not` are shared by both scopes; leaves differ. */
function compileLogic(
  node: Filter,
  context: Context,
  recurse: (child: Filter) => RawBuilder<boolean>,
): RawBuilder<boolean> | undefined {
  switch (node.kind) {
    case 'and':
      return sql<boolean>`(${recurse(node.left)} and ${recurse(node.right)})`;
    case 'or':
      return sql<boolean>`(${recurse(node.left)} or ${recurse(node.right)})`;
    case 'not':
      return sql<boolean>`not ${recurse(node.filter)}`;
    default:
      return undefined;
  }
}

function compileNode(node: Filter, context: Context): RawBuilder<boolean> {
  count(context);
  const logic = compileLogic(node, context, (child) => compileNode(child, context));
  if (logic) return logic;
  if (node.kind === 'valuePath') return compileValuePath(node, context);
  return compileResourceLeaf(node as LeafNode, context);
}

/** `attr[valueFilter]`: ONE element of `attr` satisfies the whole inner filter (RFC 7644 §3.4.2.2). */
function compileValuePath(node: ValuePathNode, context: Context): RawBuilder<boolean> {
  const resolved = resolveAttribute(context.schemas, node.path);
  if (resolved === undefined || resolved.attribute.returned === 'never') return FALSE;
  if (resolved.subAttribute !== undefined) {
    // checkFilter has rejected non-complex targets; a complex sub-attribute does not exist in SCIM.
    throw badRequest('invalidFilter', `${printAttributePath(node.path)}[…] is not supported; put the value filter on ${resolved.attribute.name}`);
  }
  const parent = resolved.attribute;
  const inner = (source: ElementSource): RawBuilder<boolean> => compileInner(node.filter, parent, source, context);
  if (!parent.multiValued) return singleValuePath(resolved, inner, context);
  const source = elementSource(context.target, resolved, context.alias(), context.caps);
  return existsIn(source, inner(source));
}

/** The filter inside brackets, whose attribute names are sub-attributes of the element. */
function compileInner(node: Filter, parent: AttributeDefinition, source: ElementSource, context: Context): RawBuilder<boolean> {
  count(context);
  const logic = compileLogic(node, context, (child) => compileInner(child, parent, source, context));
  if (logic) return logic;
  // checkFilter rejects nested value paths before we get here.
  return compileElementLeaf(node as LeafNode, parent, source, context);
}
