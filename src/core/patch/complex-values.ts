/** Small immutable updates of complex values and multi-valued lists used by the PATCH operations. */
import { findKey, isPlainObject } from '../json.ts';
import type { ComplexValue } from './coerce-value.ts';
import { isEmptyValue } from './json-values.ts';

/** The stored value of a multi-valued attribute as a list (absent → empty, a stray single value → one). */
export function asList(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  return value === undefined || value === null ? [] : [value];
}

/** A copy of `base` with `name` set to `value` (or removed, with `undefined`), key spelled as `name`. */
export function withSub(base: unknown, name: string, value: unknown): Record<string, unknown> {
  const next: Record<string, unknown> = isPlainObject(base) ? { ...base } : {};
  const key = findKey(next, name);
  if (key !== undefined && (value === undefined || key !== name)) delete next[key];
  if (value !== undefined) next[name] = value;
  return next;
}

/**
 * Merges sub-attributes into a complex value (RFC 7644 §3.5.2.1/§3.5.2.3: given sub-attributes
 * replace or add, others are left unchanged). A `null` unassigns the sub-attribute on replace and is
 * ignored on add.
 */
export function mergeComplex(base: unknown, incoming: ComplexValue, op: 'add' | 'replace'): Record<string, unknown> {
  let next: Record<string, unknown> = isPlainObject(base) ? { ...base } : {};
  for (const [name, value] of Object.entries(incoming)) {
    if (value === null && op === 'add') continue;
    next = withSub(next, name, value === null ? undefined : value);
  }
  return next;
}

/** `undefined` for an empty object or list (an attribute with no data is unassigned, RFC 7643 §2.5). */
export function orUnassigned<T>(value: T): T | undefined {
  return isEmptyValue(value) ? undefined : value;
}
