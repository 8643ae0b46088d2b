/**
 * Coercion of attribute values against their definitions (RFC 7643 §2.2–§2.4): multi-valued and
 * complex values, recursively. Used by resource validation (POST/PUT) and by the PATCH engine for the
 * `value` of an operation. Every helper returns a NEW value and `undefined` for "unassigned" (null,
 * empty array, empty complex value — RFC 7643 §2.5 treats them alike).
 */
import { isPlainObject } from '../json.ts';
import { badRequest } from '../scim-error.ts';
import { findAttribute } from './resolve.ts';
import { coercePrimitive, describeValue, expectedPhrase, wrongType } from './coerce-primitive.ts';
import type { CoerceOptions } from './coerce-primitive.ts';
import type { AttributeDefinition } from './types.ts';

export { isPlainObject };

/**
 * A complex attribute with a `value` sub-attribute (manager, emails, roles …). When lenient, a bare
 * simple value given for it is read as `{ value }` (Entra sends `manager` as a string, S11).
 */
export function isValueShaped(attribute: AttributeDefinition): boolean {
  return attribute.type === 'complex' && attribute.subAttributes?.some((s) => s.name === 'value') === true;
}

/**
 * Pairs each key of `object` with the definition `lookup` finds for it (case-insensitively), skipping
 * null values. Two keys naming the same attribute in different case are a 400 invalidSyntax.
 */
export function pairKeys<T extends { readonly name: string }>(
  object: Readonly<Record<string, unknown>>,
  lookup: (key: string) => T | undefined,
  pathOf: (key: string) => string,
): { readonly known: [T, unknown][]; readonly unknown: string[] } {
  const known: [T, unknown][] = [];
  const unknown: string[] = [];
  const seen = new Map<string, string>();
  for (const [key, value] of Object.entries(object)) {
    if (value === null || value === undefined) continue;
    const definition = lookup(key);
    if (!definition) {
      unknown.push(key);
      continue;
    }
    const canonical = definition.name.toLowerCase();
    const previous = seen.get(canonical);
    if (previous !== undefined) {
      throw badRequest(
        'invalidSyntax',
        `Attribute "${pathOf(definition.name)}" is sent twice (as "${previous}" and "${key}")`,
      );
    }
    seen.set(canonical, key);
    known.push([definition, value]);
  }
  return { known, unknown };
}

/** In strict mode an attribute the schema does not define is a 400; otherwise it is dropped. */
export function rejectUnknown(unknown: readonly string[], pathOf: (key: string) => string, options: CoerceOptions): void {
  const first = unknown[0];
  if (options.strict && first !== undefined) {
    throw badRequest('invalidSyntax', `Attribute "${pathOf(first)}" is not defined by the resource's schemas`);
  }
}

/** Throws 400 invalidValue when more than one element of a multi-valued attribute is primary (RFC 7643 §2.4). */
export function checkSinglePrimary(values: readonly unknown[], path: string): void {
  const primaries = values.filter((v) => isPlainObject(v) && v['primary'] === true).length;
  if (primaries > 1) {
    throw badRequest(
      'invalidValue',
      `Attribute "${path}" has ${primaries} values with "primary": true; at most one may be primary`,
    );
  }
}

/** Throws 400 invalidValue naming the first required, writable attribute missing from `value`. */
export function checkRequired(
  attributes: readonly AttributeDefinition[],
  value: Readonly<Record<string, unknown>>,
  pathOf: (name: string) => string,
): void {
  for (const attribute of attributes) {
    if (attribute.required && attribute.mutability !== 'readOnly' && value[attribute.name] === undefined) {
      throw badRequest('invalidValue', `Attribute "${pathOf(attribute.name)}" is required`);
    }
  }
}

/**
 * Coerces the attributes of one JSON object — a complex value, or the core or an extension block of
 * a resource — against `attributes`: names canonicalised to the schema's spelling, null and unknown
 * keys dropped (unknown is a 400 in strict mode), readOnly attributes dropped (the server sets them),
 * required ones enforced. `pathOf` turns an attribute name into the path used in error details.
 */
export function coerceAttributeSet(
  object: Readonly<Record<string, unknown>>,
  attributes: readonly AttributeDefinition[],
  pathOf: (name: string) => string,
  options: CoerceOptions = {},
): Record<string, unknown> {
  const { known, unknown } = pairKeys(object, (key) => findAttribute(attributes, key), pathOf);
  rejectUnknown(unknown, pathOf, options);
  const result: Record<string, unknown> = {};
  for (const [attribute, raw] of known) {
    if (attribute.mutability === 'readOnly') continue;
    const coerced = coerceAttribute(raw, attribute, pathOf(attribute.name), options);
    if (coerced !== undefined) result[attribute.name] = coerced;
  }
  return result;
}

function coerceComplex(
  value: unknown,
  attribute: AttributeDefinition,
  path: string,
  options: CoerceOptions,
): Record<string, unknown> | undefined {
  if (!isPlainObject(value)) {
    const simple = typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
    if (simple && !options.strict && isValueShaped(attribute)) return coerceComplex({ value }, attribute, path, options);
    return wrongType(path, expectedPhrase('complex'), value);
  }
  const subs = attribute.subAttributes ?? [];
  const pathOf = (name: string): string => `${path}.${name}`;
  const result = coerceAttributeSet(value, subs, pathOf, options);
  if (Object.keys(result).length === 0) return undefined;
  checkRequired(subs, result, pathOf);
  return result;
}

/**
 * Coerces ONE value of an attribute, ignoring `multiValued`: a single value of a single-valued
 * attribute, or one element of a multi-valued one (what a PATCH `add` to `emails[…]` carries).
 * Returns `undefined` for null or an empty complex value.
 */
export function coerceElement(
  value: unknown,
  attribute: AttributeDefinition,
  path: string,
  options: CoerceOptions = {},
): unknown {
  if (value === null || value === undefined) return undefined;
  if (attribute.type === 'complex') return coerceComplex(value, attribute, path, options);
  return coercePrimitive(value, attribute, path, options);
}

function coerceMulti(value: unknown, attribute: AttributeDefinition, path: string, options: CoerceOptions): unknown[] | undefined {
  if (!Array.isArray(value)) {
    if (options.strict) return wrongType(path, `an array of ${expectedPhrase(attribute.type).replace(/^an? /, '')} values`, value);
    value = [value];
  }
  const result: unknown[] = [];
  (value as unknown[]).forEach((element, index) => {
    const coerced = coerceElement(element, attribute, `${path}[${index}]`, options);
    if (coerced !== undefined) result.push(coerced);
  });
  if (attribute.type === 'complex') checkSinglePrimary(result, path);
  return result.length > 0 ? result : undefined;
}

/**
 * Coerces the whole value of an attribute (RFC 7643 §2.3–§2.4): arrays for multi-valued attributes
 * (a single value is wrapped unless strict), complex values recursively with unknown and readOnly
 * sub-attributes dropped, booleans from strings unless strict. A single-valued attribute given an
 * array is a 400 invalidValue — except a one-element array for a value-shaped complex attribute
 * (Entra's `manager: [{ value, $ref }]`) when lenient. Returns `undefined` when unassigned.
 */
export function coerceAttribute(
  value: unknown,
  attribute: AttributeDefinition,
  path: string,
  options: CoerceOptions = {},
): unknown {
  if (value === null || value === undefined) return undefined;
  if (attribute.multiValued) return coerceMulti(value, attribute, path, options);
  if (!Array.isArray(value)) return coerceElement(value, attribute, path, options);
  if (!options.strict && isValueShaped(attribute) && value.length <= 1) {
    return coerceElement(value[0], attribute, path, options);
  }
  throw badRequest(
    'invalidValue',
    `Attribute "${path}" is single-valued and must be ${expectedPhrase(attribute.type)}, got ${describeValue(value)}`,
  );
}
