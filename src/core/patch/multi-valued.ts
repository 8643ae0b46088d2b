/**
 * Multi-valued attribute rules (RFC 7643 §2.4, RFC 7644 §3.5.2.1): adding a value that is already
 * there changes nothing (or refreshes its other sub-attributes), and `primary: true` may appear on
 * at most one element, so setting it on one clears it on the others.
 */
import { getIgnoreCase, isPlainObject } from '../json.ts';
import { findSubAttribute } from '../schema/resolve.ts';
import type { AttributeDefinition } from '../schema/types.ts';
import { badRequest } from '../scim-error.ts';
import { jsonEqual } from './json-values.ts';

function sameText(a: unknown, b: unknown, caseExact: boolean): boolean {
  if (typeof a === 'string' && typeof b === 'string' && !caseExact) return a.toLowerCase() === b.toLowerCase();
  return jsonEqual(a, b);
}

/**
 * True when `candidate` denotes the same value as `element`: equal `value` (and equal `type` when
 * both carry one) for complex elements, equality for simple ones, honouring caseExact.
 */
export function sameElement(element: unknown, candidate: unknown, attribute: AttributeDefinition): boolean {
  if (!isPlainObject(element) || !isPlainObject(candidate)) {
    return sameText(element, candidate, attribute.caseExact);
  }
  const valueDefinition = findSubAttribute(attribute, 'value');
  const value = getIgnoreCase(candidate, 'value');
  if (valueDefinition === undefined || value === undefined) return jsonEqual(element, candidate);
  if (!sameText(getIgnoreCase(element, 'value'), value, valueDefinition.caseExact)) return false;
  const [type, otherType] = [getIgnoreCase(element, 'type'), getIgnoreCase(candidate, 'type')];
  return type === undefined || otherType === undefined || sameText(type, otherType, false);
}

/**
 * Appends `items` to `elements` (RFC 7644 §3.5.2.1): an item equal to an existing element is merged
 * into it instead of duplicated. Returns the new list and the elements the items ended up as.
 */
export function appendElements(
  elements: readonly unknown[],
  items: readonly unknown[],
  attribute: AttributeDefinition,
): { list: unknown[]; written: unknown[] } {
  const list = [...elements];
  const written: unknown[] = [];
  for (const item of items) {
    const index = list.findIndex((element) => sameElement(element, item, attribute));
    if (index < 0) {
      list.push(item);
      written.push(item);
    } else {
      const existing = list[index];
      const merged = isPlainObject(existing) && isPlainObject(item) ? { ...existing, ...item } : existing;
      list[index] = merged;
      written.push(merged);
    }
  }
  return { list, written };
}

/** Removes the elements that equal any of `items` (a client's "remove these values" list). */
export function removeElements(
  elements: readonly unknown[],
  items: readonly unknown[],
  attribute: AttributeDefinition,
): unknown[] {
  return elements.filter((element) => !items.some((item) => sameElement(element, item, attribute)));
}

const isPrimary = (element: unknown): boolean => isPlainObject(element) && element['primary'] === true;

/**
 * Keeps `primary: true` on at most one element (RFC 7643 §2.4). When the operation wrote primary
 * elements, the last of them wins and every other primary element is set to `false`; a single
 * operation asking for two primaries is an error in strict mode.
 */
export function enforceSinglePrimary(
  list: unknown[],
  written: readonly unknown[],
  attribute: AttributeDefinition,
  strict: boolean,
): unknown[] {
  if (!findSubAttribute(attribute, 'primary')) return list;
  const wanted = written.filter(isPrimary);
  if (wanted.length > 1 && strict) {
    throw badRequest('invalidValue', `Only one "${attribute.name}" value may have "primary": true`);
  }
  const winner = wanted.at(-1);
  if (winner === undefined) return list;
  return list.map((element) =>
    isPrimary(element) && element !== winner && isPlainObject(element) ? { ...element, primary: false } : element,
  );
}
