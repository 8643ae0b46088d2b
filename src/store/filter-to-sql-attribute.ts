/**
 * Attribute comparisons of the filter→SQL compiler (RFC 7644 §3.4.2.2): `attr op value`, `attr pr`,
 * `attr eq null` at the resource level and inside `[…]`. The rules are the matcher's
 * (docs/filters.md, "Semantics"): unknown attributes have no value, a multi-valued attribute
 * matches when any value does, `ne` is `not eq`, a complex attribute compared without a
 * sub-attribute stands for its `value`, and `eq null` is `not pr`.
 */
import { sql } from 'kysely';
import type { RawBuilder } from 'kysely';
import { printAttributePath } from '../core/filter/attribute-path.ts';
import type { CompareNode, PresentNode } from '../core/filter/nodes.ts';
import { findSubAttribute, resolveAttribute } from '../core/schema/resolve.ts';
import type { AttributeDefinition, ResolvedAttribute, ResourceSchemas } from '../core/schema/types.ts';
import type { SqlCapabilities } from './capabilities.ts';
import { FALSE, TRUE, comparePredicate, presentPredicate } from './filter-to-sql-compare.ts';
import type { Operand } from './filter-to-sql-compare.ts';
import { elementSource, scalarSource } from './filter-to-sql-layout.ts';
import type { ElementSource, FilterTarget } from './filter-to-sql-layout.ts';

/** What compiling one filter needs: the table, its schemas, the dialect, and an alias allocator. */
export interface AttributeContext {
  readonly target: FilterTarget;
  readonly schemas: ResourceSchemas;
  readonly caps: SqlCapabilities;
  /** A fresh alias for one more subquery; throws when the filter has too many. */
  readonly alias: () => string;
}

/** A leaf node: a comparison or `pr`. */
export type LeafNode = CompareNode | PresentNode;

/** How one leaf reads its values: one scalar, the elements of a multi-valued attribute, or nothing. */
type Values =
  | { readonly kind: 'none' }
  | { readonly kind: 'scalar'; readonly operand: Operand }
  | { readonly kind: 'elements'; readonly source: ElementSource; readonly definition: AttributeDefinition; readonly sub: boolean };

/** `exists (select 1 from … where correlation and condition)`. */
export function existsIn(source: ElementSource, condition: RawBuilder<boolean>): RawBuilder<boolean> {
  const where = source.correlation ? sql<boolean>`${source.correlation} and ${condition}` : condition;
  return sql<boolean>`exists (select 1 from ${source.from} where ${where})`;
}

/** Attributes the stored resource never holds (`password`) read as absent, as in the matcher. */
const isStoredNowhere = (resolved: ResolvedAttribute): boolean =>
  resolved.attribute.returned === 'never' || resolved.subAttribute?.returned === 'never';

/** Where a resource-level path's values are, with the complex → `value` stand-in when comparing. */
function resourceValues(node: LeafNode, forCompare: boolean, context: AttributeContext): Values {
  const resolved = resolveAttribute(context.schemas, node.path);
  if (resolved === undefined || isStoredNowhere(resolved)) return { kind: 'none' };
  let { subAttribute } = resolved;
  if (subAttribute === undefined && forCompare && resolved.attribute.type === 'complex') {
    subAttribute = findSubAttribute(resolved.attribute, 'value');
  }
  const definition = subAttribute ?? resolved.attribute;
  const label = printAttributePath(node.path);
  if (resolved.attribute.multiValued) {
    const source = elementSource(context.target, resolved, context.alias(), context.caps);
    return { kind: 'elements', source, definition, sub: subAttribute !== undefined };
  }
  const at = subAttribute === undefined ? resolved : { ...resolved, subAttribute };
  // A JSON path through a non-object yields NULL, so `name.givenName` of a non-object is absent,
  // as in the matcher, which reads sub-attributes only from objects.
  const source = scalarSource(context.target, at);
  return { kind: 'scalar', operand: { definition, label, source } };
}

/** Where a sub-attribute named inside `attr[…]` is, for the element `source`. */
function elementValues(node: LeafNode, parent: AttributeDefinition, source: ElementSource): Values {
  if (node.path.uri !== undefined || node.path.subAttribute !== undefined) return { kind: 'none' };
  const definition = findSubAttribute(parent, node.path.attribute);
  if (definition === undefined || definition.returned === 'never') return { kind: 'none' };
  const label = `${parent.name}.${definition.name}`;
  return { kind: 'scalar', operand: { definition, label, source: source.subAttribute(definition) } };
}

/** The predicate "some value satisfies `test`" over `values`. */
function anyValue(values: Values, test: (operand: Operand) => RawBuilder<boolean>, context: AttributeContext): RawBuilder<boolean> {
  if (values.kind === 'none') return FALSE;
  if (values.kind === 'scalar') return test(values.operand);
  const { source, definition } = values;
  let operand: Operand;
  if (values.sub) {
    operand = { definition, label: `${source.label}.${definition.name}`, source: source.subAttribute(definition) };
  } else if (source.whole) {
    operand = { definition, label: source.label, source: source.whole };
  } else {
    return existsIn(source, source.elementPresent(context.alias()));
  }
  return existsIn(source, test(operand));
}

/** `pr`: some value is present (not null, not "", a complex value with a present member). */
function present(values: Values, context: AttributeContext): RawBuilder<boolean> {
  return anyValue(values, (operand) => presentPredicate(operand, context.alias, context.caps), context);
}

/** A leaf whose values are located: `pr`, `eq null`/`ne null`, `ne` as `not eq`, or `op value`. */
function leafOver(node: LeafNode, values: (forCompare: boolean) => Values, context: AttributeContext): RawBuilder<boolean> {
  if (node.kind === 'present') return present(values(false), context);
  if (node.value === null) {
    const isPresent = present(values(false), context);
    return node.op === 'eq' ? sql<boolean>`not ${isPresent}` : isPresent;
  }
  const located = values(true);
  if (located.kind === 'none') return node.op === 'ne' ? TRUE : FALSE;
  const op = node.op === 'ne' ? 'eq' : node.op;
  const literal = node.value;
  const matches = anyValue(located, (operand) => comparePredicate(operand, op, literal, context.caps), context);
  return node.op === 'ne' ? sql<boolean>`not ${matches}` : matches;
}

/** A comparison or `pr` on a resource-level attribute path. */
export function compileResourceLeaf(node: LeafNode, context: AttributeContext): RawBuilder<boolean> {
  return leafOver(node, (forCompare) => resourceValues(node, forCompare, context), context);
}

/** A comparison or `pr` inside `parent[…]`, on the element `source`. */
export function compileElementLeaf(
  node: LeafNode,
  parent: AttributeDefinition,
  source: ElementSource,
  context: AttributeContext,
): RawBuilder<boolean> {
  return leafOver(node, () => elementValues(node, parent, source), context);
}

/**
 * `attr[…]` on a single complex attribute (RFC 7644 §3.4.2.2; docs/filters.md: "a single complex
 * attribute is one element"): the inner filter over its sub-attributes, where the value is an object.
 */
export function singleValuePath(
  resolved: ResolvedAttribute,
  inner: (source: ElementSource) => RawBuilder<boolean>,
  context: AttributeContext,
): RawBuilder<boolean> {
  const object = scalarSource(context.target, resolved);
  const element: ElementSource = {
    label: resolved.attribute.name,
    from: sql``,
    subAttribute: (definition) => scalarSource(context.target, { ...resolved, subAttribute: definition }),
    elementPresent: () => TRUE,
  };
  const isObject = object.kind === 'json' ? context.caps.json.is(object.location, 'object') : TRUE;
  return sql<boolean>`(${isObject} and ${inner(element)})`;
}
