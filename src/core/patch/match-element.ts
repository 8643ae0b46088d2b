/**
 * Tests one element of a multi-valued attribute against the filter of a PATCH value path such as
 * `emails[type eq "work"]` (RFC 7644 §3.5.2, filter semantics of §3.4.2.2). The filter's paths are
 * relative to the element's sub-attributes; comparisons follow each sub-attribute's type and
 * caseExact. A simple (non-complex) element is addressed as `value`.
 */
import type { CompareNode, Filter, FilterValue } from '../filter/nodes.ts';
import { getIgnoreCase, isPlainObject } from '../json.ts';
import { findSubAttribute } from '../schema/resolve.ts';
import type { AttributeDefinition } from '../schema/types.ts';

/** The definition a filter path inside `attribute[...]` compares against, if any. */
export function filterOperandDefinition(
  attribute: AttributeDefinition,
  name: string,
): AttributeDefinition | undefined {
  if (attribute.type === 'complex') return findSubAttribute(attribute, name);
  return name.toLowerCase() === 'value' ? attribute : undefined;
}

function operand(element: unknown, name: string): unknown {
  if (isPlainObject(element)) return getIgnoreCase(element, name);
  return name.toLowerCase() === 'value' ? element : undefined;
}

/** Reads a filter literal for a boolean sub-attribute; Entra writes `primary eq "True"` (S7). */
function literalFor(definition: AttributeDefinition | undefined, literal: FilterValue, strict: boolean): FilterValue {
  if (strict || definition?.type !== 'boolean' || typeof literal !== 'string') return literal;
  const lower = literal.toLowerCase();
  return lower === 'true' ? true : lower === 'false' ? false : literal;
}

function compareStrings(op: CompareNode['op'], actual: string, expected: string): boolean {
  switch (op) {
    case 'eq': return actual === expected;
    case 'ne': return actual !== expected;
    case 'co': return actual.includes(expected);
    case 'sw': return actual.startsWith(expected);
    case 'ew': return actual.endsWith(expected);
    case 'gt': return actual > expected;
    case 'ge': return actual >= expected;
    case 'lt': return actual < expected;
    case 'le': return actual <= expected;
  }
}

function compareNumbers(op: CompareNode['op'], actual: number, expected: number): boolean {
  switch (op) {
    case 'eq': return actual === expected;
    case 'ne': return actual !== expected;
    case 'gt': return actual > expected;
    case 'ge': return actual >= expected;
    case 'lt': return actual < expected;
    case 'le': return actual <= expected;
    default: return false;
  }
}

function compareValue(
  op: CompareNode['op'],
  actual: unknown,
  expected: FilterValue,
  definition: AttributeDefinition | undefined,
): boolean {
  if (expected === null) return op === 'ne' ? actual !== undefined && actual !== null : actual === undefined || actual === null;
  if (actual === undefined || actual === null) return op === 'ne';
  if (typeof actual === 'string' && typeof expected === 'string') {
    if (definition?.type === 'dateTime') {
      const [a, b] = [Date.parse(actual), Date.parse(expected)];
      if (!Number.isNaN(a) && !Number.isNaN(b)) return compareNumbers(op, a, b);
    }
    const exact = definition?.caseExact ?? false;
    return compareStrings(op, exact ? actual : actual.toLowerCase(), exact ? expected : expected.toLowerCase());
  }
  if (typeof actual === 'number' && typeof expected === 'number') return compareNumbers(op, actual, expected);
  if (typeof actual === 'boolean' && typeof expected === 'boolean') {
    return op === 'eq' ? actual === expected : op === 'ne' ? actual !== expected : false;
  }
  return op === 'ne';
}

/** True when `element` satisfies `filter` (paths relative to `attribute`'s sub-attributes). */
export function matchElement(filter: Filter, element: unknown, attribute: AttributeDefinition, strict: boolean): boolean {
  switch (filter.kind) {
    case 'and':
      return matchElement(filter.left, element, attribute, strict) && matchElement(filter.right, element, attribute, strict);
    case 'or':
      return matchElement(filter.left, element, attribute, strict) || matchElement(filter.right, element, attribute, strict);
    case 'not':
      return !matchElement(filter.filter, element, attribute, strict);
    case 'present': {
      const value = operand(element, filter.path.attribute);
      return value !== undefined && value !== null && value !== '' && !(Array.isArray(value) && value.length === 0);
    }
    case 'compare': {
      const definition = filterOperandDefinition(attribute, filter.path.attribute);
      const expected = literalFor(definition, filter.value, strict);
      return compareValue(filter.op, operand(element, filter.path.attribute), expected, definition);
    }
    case 'valuePath':
      // Rejected when the path is resolved (a value path cannot nest); never reached.
      return false;
  }
}
