/**
 * The in-memory filter matcher (RFC 7644 §3.4.2.2). It is the reference semantics of scimd: the SQL
 * compiler in src/store must return exactly the resources this matcher accepts. docs/filters.md
 * states every rule; in short:
 *
 * - paths resolve case-insensitively against the resource type's schemas, and resource JSON keys are
 *   read case-insensitively; extension attributes are read under their schema URN key;
 * - an attribute the schemas do not define has no value (so `eq` is false, `ne` is true, `pr` false);
 * - a multi-valued attribute matches when ANY value matches; `ne` is `not eq`;
 * - a complex attribute compared without a sub-attribute compares its `value` sub-attribute;
 * - `eq null` means "absent", `ne null` means "present";
 * - strings honour `caseExact`, dateTimes compare as instants, numbers numerically;
 * - operator/type mismatches (`active gt true`, `userName eq 5`) throw 400 `invalidFilter` before
 *   any resource is looked at, so the answer never depends on the data.
 */
import { badRequest } from '../scim-error.ts';
import { findSubAttribute, resolveAttribute } from '../schema/resolve.ts';
import type { AttributeDefinition, ResourceSchemas, ScimResource } from '../schema/types.ts';
import { printAttributePath } from './attribute-path.ts';
import { checkAgainstType, checkLiteral, valueTest } from './compare-values.ts';
import type { AttributePath, CompareNode, Filter, ValuePathNode } from './nodes.ts';
import { isObject, isPresent, valuesReader } from './values.ts';
import type { JsonObject, ValuesReader } from './values.ts';

/** A compiled filter: true when the resource matches. */
export type ResourcePredicate = (resource: ScimResource) => boolean;

/** Paths resolve against the resource's schemas, or inside `[…]` against the filtered attribute. */
type Scope =
  | { readonly kind: 'resource'; readonly schemas: ResourceSchemas }
  | { readonly kind: 'element'; readonly parent: AttributeDefinition };

type Predicate = (container: JsonObject) => boolean;

/** Where a path's values are and what they are; `leaf` is undefined for unknown attributes. */
interface Target {
  readonly read: ValuesReader;
  readonly leaf?: AttributeDefinition;
}

const NOTHING: Target = { read: () => [] };

/**
 * Validates `filter` against `schemas` once and returns a fast predicate for many resources.
 * Throws 400 `invalidFilter` for comparisons the attribute types do not allow.
 */
export function compileFilter(filter: Filter, schemas: ResourceSchemas): ResourcePredicate {
  return compileNode(filter, { kind: 'resource', schemas });
}

/** Throws 400 `invalidFilter` when `filter` compares attributes in ways their types forbid. */
export function checkFilter(filter: Filter, schemas: ResourceSchemas): void {
  compileNode(filter, { kind: 'resource', schemas });
}

/** True when `resource` satisfies `filter` (RFC 7644 §3.4.2.2), evaluated against `schemas`. */
export function matchFilter(filter: Filter, resource: ScimResource, schemas: ResourceSchemas): boolean {
  return compileNode(filter, { kind: 'resource', schemas })(resource);
}

function compileNode(filter: Filter, scope: Scope): Predicate {
  switch (filter.kind) {
    case 'and': {
      const left = compileNode(filter.left, scope);
      const right = compileNode(filter.right, scope);
      return (c) => left(c) && right(c);
    }
    case 'or': {
      const left = compileNode(filter.left, scope);
      const right = compileNode(filter.right, scope);
      return (c) => left(c) || right(c);
    }
    case 'not': {
      const inner = compileNode(filter.filter, scope);
      return (c) => !inner(c);
    }
    case 'present': {
      const { read } = target(scope, filter.path, false);
      return (c) => read(c).some(isPresent);
    }
    case 'compare':
      return compileCompare(filter, scope);
    case 'valuePath':
      return compileValuePath(filter, scope);
  }
}

function compileCompare(node: CompareNode, scope: Scope): Predicate {
  const written = printAttributePath(node.path);
  checkLiteral(node.op, node.value, written);
  const literal = node.value;
  if (literal === null) {
    // RFC 7643 §2.5: null and unassigned are the same state, so `eq null` asks "absent?".
    const { read } = target(scope, node.path, false);
    const present: Predicate = (c) => read(c).some(isPresent);
    return node.op === 'eq' ? (c) => !present(c) : present;
  }
  const { read, leaf } = target(scope, node.path, true);
  if (leaf === undefined) return node.op === 'ne' ? () => true : () => false;
  checkAgainstType(node.op, literal, leaf, written);
  const test = valueTest(node.op === 'ne' ? 'eq' : node.op, literal, leaf);
  const any: Predicate = (c) => read(c).some(test);
  return node.op === 'ne' ? (c) => !any(c) : any;
}

function compileValuePath(node: ValuePathNode, scope: Scope): Predicate {
  const written = printAttributePath(node.path);
  if (scope.kind === 'element') {
    throw badRequest('invalidFilter', `Invalid filter: "${written}[…]" is nested inside another value filter`);
  }
  const resolved = resolveAttribute(scope.schemas, node.path);
  if (resolved === undefined) return () => false;
  const parent = resolved.subAttribute ?? resolved.attribute;
  if (parent.type !== 'complex') {
    throw badRequest(
      'invalidFilter',
      `Invalid filter: "${written}" is a ${parent.type} attribute; "[…]" filters the values of a complex attribute such as emails`,
    );
  }
  const extension = resolved.extension ? resolved.schemaId : undefined;
  const read = valuesReader(resolved.attribute.name, resolved.subAttribute?.name, extension);
  const inner = compileNode(node.filter, { kind: 'element', parent });
  return (c) => read(c).some((element) => isObject(element) && inner(element));
}

/**
 * Resolves a path in its scope. With `forCompare`, a complex attribute without a sub-attribute
 * stands for its `value` sub-attribute (`emails co "x"`, `manager eq "id"`).
 */
function target(scope: Scope, path: AttributePath, forCompare: boolean): Target {
  if (scope.kind === 'element') {
    if (path.uri !== undefined || path.subAttribute !== undefined) return NOTHING;
    const attribute = findSubAttribute(scope.parent, path.attribute);
    return attribute === undefined ? NOTHING : leafTarget(attribute, undefined, undefined, forCompare);
  }
  const resolved = resolveAttribute(scope.schemas, path);
  if (resolved === undefined) return NOTHING;
  const extension = resolved.extension ? resolved.schemaId : undefined;
  return leafTarget(resolved.attribute, resolved.subAttribute, extension, forCompare);
}

function leafTarget(
  attribute: AttributeDefinition,
  sub: AttributeDefinition | undefined,
  extension: string | undefined,
  forCompare: boolean,
): Target {
  if (sub === undefined && forCompare && attribute.type === 'complex') {
    const value = findSubAttribute(attribute, 'value');
    if (value !== undefined) return { read: valuesReader(attribute.name, value.name, extension), leaf: value };
  }
  return { read: valuesReader(attribute.name, sub?.name, extension), leaf: sub ?? attribute };
}
