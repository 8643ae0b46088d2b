/**
 * The PUT half of validation (RFC 7644 §3.5.1): readOnly attributes come from the stored resource,
 * and immutable attributes that are already set must not change.
 */
import { badRequest } from '../scim-error.ts';
import { isPlainObject } from './coerce-value.ts';
import type { AttributeDefinition } from './types.ts';

/** Deep equality of JSON values (key order ignored). */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((v, i) => sameJson(v, b[i]));
  }
  if (!isPlainObject(a) || !isPlainObject(b)) return false;
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && sameJson(a[k], b[k]));
}

function keepImmutable(
  attribute: AttributeDefinition,
  incoming: Record<string, unknown>,
  before: unknown,
  path: string,
): void {
  const now = incoming[attribute.name];
  if (now === undefined) {
    // A PUT that omits an immutable attribute keeps it: clearing it would be a change too.
    incoming[attribute.name] = before;
  } else if (!sameJson(now, before)) {
    throw badRequest('mutability', `Attribute "${path}" is immutable and cannot be changed once set`);
  }
}

/**
 * Merges the stored values of `attributes` into `incoming` (mutated; it is the validator's own new
 * object): readOnly attributes are copied from `stored`, immutable ones are checked (400 mutability)
 * or carried over, recursing into single-valued complex attributes.
 */
export function mergeExisting(
  attributes: readonly AttributeDefinition[],
  incoming: Record<string, unknown>,
  stored: Readonly<Record<string, unknown>>,
  pathOf: (name: string) => string,
): void {
  for (const attribute of attributes) {
    const before = stored[attribute.name];
    if (before === undefined || before === null || attribute.name === 'schemas') continue;
    if (attribute.mutability === 'readOnly') {
      incoming[attribute.name] = before;
    } else if (attribute.mutability === 'immutable') {
      keepImmutable(attribute, incoming, before, pathOf(attribute.name));
    } else if (attribute.type === 'complex' && !attribute.multiValued && isPlainObject(before)) {
      const now = incoming[attribute.name];
      if (!isPlainObject(now)) continue;
      // A readOnly sub-attribute such as manager.displayName describes the old value only.
      if (Object.hasOwn(now, 'value') && now['value'] !== before['value']) continue;
      const merged = { ...now };
      const path = pathOf(attribute.name);
      mergeExisting(attribute.subAttributes ?? [], merged, before, (name) => `${path}.${name}`);
      incoming[attribute.name] = merged;
    }
  }
}
