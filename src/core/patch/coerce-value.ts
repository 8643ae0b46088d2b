/**
 * Checks PATCH values against attribute definitions (RFC 7643 §2.3, §7) and brings the client shapes
 * of docs/clients.md into the stored form: boolean strings, a manager sent as a bare string or a
 * one-element array, a single value for a multi-valued attribute. Strict mode accepts only RFC
 * shapes. Sub-attribute keys come back in their schema spelling; `null` sub-attribute values are
 * kept, because they mean "unassign" to a replace (RFC 7643 §2.5).
 */
import { isPlainObject } from '../json.ts';
import { coercePrimitive, describeValue, wrongType } from '../schema/coerce-primitive.ts';
import { findSubAttribute } from '../schema/resolve.ts';
import type { AttributeDefinition } from '../schema/types.ts';
import { badRequest } from '../scim-error.ts';

/** A complex value after coercion: sub-attribute name → value, `null` meaning unassign. */
export type ComplexValue = Record<string, unknown>;

/** One simple value, with `label` naming the attribute in error details. */
export function coerceSimple(value: unknown, attribute: AttributeDefinition, label: string, strict: boolean): unknown {
  return coercePrimitive(value, attribute, label, { strict });
}

function coerceSubAttribute(
  key: string,
  value: unknown,
  parent: AttributeDefinition,
  label: string,
  strict: boolean,
): [string, unknown] | undefined {
  const sub = findSubAttribute(parent, key);
  if (sub === undefined) {
    if (strict) throw badRequest('invalidValue', `"${label}" has no sub-attribute "${key}"`);
    return undefined;
  }
  if (sub.mutability === 'readOnly') {
    if (strict) throw badRequest('mutability', `Sub-attribute "${label}.${sub.name}" is readOnly`);
    return undefined;
  }
  if (value === null) return [sub.name, null];
  return [sub.name, coerceSimple(value, sub, `${label}.${sub.name}`, strict)];
}

/** A complex value given as an object; unknown and readOnly sub-attributes dropped unless strict. */
export function coerceComplexObject(
  value: unknown,
  attribute: AttributeDefinition,
  label: string,
  strict: boolean,
): ComplexValue {
  if (!isPlainObject(value)) return wrongType(label, 'a complex object', value);
  const out: ComplexValue = {};
  for (const [key, item] of Object.entries(value)) {
    const entry = coerceSubAttribute(key, item, attribute, label, strict);
    if (entry) out[entry[0]] = entry[1];
  }
  return out;
}

/**
 * A complex value, accepting (unless strict) a bare string as `{ value }` and a one-element array
 * for a single-valued attribute: the shapes Entra sends for the enterprise `manager` (S11).
 */
export function coerceComplex(
  value: unknown,
  attribute: AttributeDefinition,
  label: string,
  strict: boolean,
): ComplexValue {
  if (!strict) {
    if (!attribute.multiValued && Array.isArray(value) && value.length === 1) {
      return coerceComplex(value[0], attribute, label, strict);
    }
    if (typeof value === 'string' && findSubAttribute(attribute, 'value')) {
      return coerceComplexObject({ value }, attribute, label, strict);
    }
  }
  return coerceComplexObject(value, attribute, label, strict);
}

/** One element of a multi-valued attribute (complex or simple); `null` members are not allowed. */
export function coercePatchElement(value: unknown, attribute: AttributeDefinition, label: string, strict: boolean): unknown {
  if (attribute.type === 'complex') return withoutNulls(coerceComplex(value, attribute, label, strict));
  return coerceSimple(value, attribute, label, strict);
}

/** The elements of a multi-valued attribute; a single value is wrapped unless strict. */
export function coercePatchElements(
  value: unknown,
  attribute: AttributeDefinition,
  label: string,
  strict: boolean,
): unknown[] {
  if (!Array.isArray(value)) {
    if (strict) {
      throw badRequest('invalidValue', `Attribute "${label}" is multi-valued and needs an array, got ${describeValue(value)}`);
    }
    return [coercePatchElement(value, attribute, label, strict)];
  }
  return value
    .filter((item) => item !== null)
    .map((item) => coercePatchElement(item, attribute, label, strict))
    .filter((item) => !isPlainObject(item) || Object.keys(item).length > 0);
}

/** The entries of a complex value that carry data (`null` = unassigned, RFC 7643 §2.5). */
export function withoutNulls(value: ComplexValue): ComplexValue {
  return Object.fromEntries(Object.entries(value).filter(([, item]) => item !== null));
}
