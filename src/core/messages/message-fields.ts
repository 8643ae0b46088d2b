/** Small readers shared by the message parsers: case-insensitive keys and URN checks. */
import { badRequest } from '../scim-error.ts';
import { describeValue } from '../schema/coerce-primitive.ts';
import { isPlainObject } from '../schema/coerce-value.ts';

/** A message's members keyed by lower-cased name, so `Operations` and `operations` both work. */
export type Fields = ReadonlyMap<string, unknown>;

/** Reads a message body: it must be a JSON object (400 invalidSyntax otherwise). */
export function readFields(body: unknown, message: string): Fields {
  if (!isPlainObject(body)) {
    throw badRequest('invalidSyntax', `A ${message} must be a JSON object, got ${describeValue(body)}`);
  }
  const fields = new Map<string, unknown>();
  for (const [key, value] of Object.entries(body)) {
    if (value !== null && value !== undefined) fields.set(key.toLowerCase(), value);
  }
  return fields;
}

/** Requires `urn` in the message's `schemas` (RFC 7644 §3.1); 400 invalidSyntax otherwise. */
export function requireSchema(fields: Fields, urn: string, message: string): void {
  const schemas = fields.get('schemas');
  const listed = Array.isArray(schemas) && schemas.some((s) => typeof s === 'string' && s.toLowerCase() === urn.toLowerCase());
  if (!listed) throw badRequest('invalidSyntax', `A ${message} must list "${urn}" in "schemas"`);
}

/** An optional string member; 400 invalidValue naming `label` when present with another type. */
export function optionalString(fields: Fields, name: string, label: string): string | undefined {
  const value = fields.get(name.toLowerCase());
  if (value === undefined || typeof value === 'string') return value;
  throw badRequest('invalidValue', `${label} must be a string, got ${describeValue(value)}`);
}
