/**
 * Coercion of one simple (non-complex) value against its attribute type (RFC 7643 §2.3). Values are
 * returned exactly as sent — the only conversion is the lenient reading of boolean strings that
 * Microsoft Entra ID sends ("True"/"False"), see docs/clients.md S7.
 */
import { badRequest } from '../scim-error.ts';
import { checkStoredText } from '../text.ts';
import type { AttributeDefinition, AttributeType } from './types.ts';

/** Switches shared by every coercion helper. */
export interface CoerceOptions {
  /** Strict RFC mode: no boolean strings, no single value for a multi-valued attribute, etc. */
  readonly strict?: boolean;
  /** Reject values of attributes with `canonicalValues` that are not listed (RFC 7643 §2.2). */
  readonly enforceCanonicalValues?: boolean;
}

const EXPECTED: Readonly<Record<AttributeType, string>> = {
  string: 'a string',
  boolean: 'a boolean',
  decimal: 'a number',
  integer: 'an integer',
  dateTime: 'a dateTime such as "2024-01-31T12:00:00Z"',
  reference: 'a reference (string)',
  binary: 'base64 binary data (string)',
  complex: 'a complex object',
};

/** The phrase used in error details for what an attribute of `type` must be. */
export function expectedPhrase(type: AttributeType): string {
  return EXPECTED[type];
}

/** A short description of a received value for error details, e.g. `string "yes"`. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') {
    const shown = value.length > 40 ? `${value.slice(0, 40)}…` : value;
    return `string ${JSON.stringify(shown)}`;
  }
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}

/** The 400 invalidValue for a value of the wrong type at `path`. */
export function wrongType(path: string, expected: string, value: unknown): never {
  throw badRequest('invalidValue', `Attribute "${path}" must be ${expected}, got ${describeValue(value)}`);
}

// xsd:dateTime / RFC 3339: date, 'T', time with optional fraction, optional zone.
const DATE_TIME = /^(-?\d{4,})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})?$/;

/** True when `text` is an xsd:dateTime (RFC 7643 §2.3.5) with plausible calendar fields. */
export function isDateTime(text: string): boolean {
  const match = DATE_TIME.exec(text);
  if (!match) return false;
  const [month, day, hour, minute, second] = match.slice(2, 7).map(Number) as [number, number, number, number, number];
  const zone = match[8];
  if (zone !== undefined && zone !== 'Z') {
    const [zh, zm] = zone.slice(1).split(':').map(Number) as [number, number];
    if (zh > 14 || zm > 59) return false;
  }
  const endOfDay = hour === 24 && minute === 0 && second === 0 && match[7] === undefined;
  return (
    month >= 1 && month <= 12 && day >= 1 && day <= 31 &&
    (hour <= 23 || endOfDay) && minute <= 59 && second <= 60
  );
}

const BASE64 = /^[A-Za-z0-9+/\-_\s]*={0,2}\s*$/;

/** Reads a boolean, accepting "true"/"false" in any case unless strict (RFC 7643 §2.3.2). */
export function coerceBoolean(value: unknown, path: string, options: CoerceOptions = {}): boolean {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string' && !options.strict) {
    const lower = value.toLowerCase();
    if (lower === 'true') return true;
    if (lower === 'false') return false;
  }
  return wrongType(path, EXPECTED.boolean, value);
}

function checkCanonical(value: string, attribute: AttributeDefinition, path: string): void {
  const allowed = attribute.canonicalValues;
  if (!allowed || allowed.length === 0) return;
  const found = attribute.caseExact
    ? allowed.includes(value)
    : allowed.some((v) => v.toLowerCase() === value.toLowerCase());
  if (!found) {
    const list = allowed.map((v) => JSON.stringify(v)).join(', ');
    throw badRequest('invalidValue', `Attribute "${path}" must be one of ${list}, got ${describeValue(value)}`);
  }
}

function coerceString(value: unknown, attribute: AttributeDefinition, path: string, options: CoerceOptions): string {
  if (typeof value !== 'string') return wrongType(path, EXPECTED[attribute.type], value);
  checkStoredText(value, path);
  if (attribute.type === 'dateTime' && !isDateTime(value)) return wrongType(path, EXPECTED.dateTime, value);
  if (attribute.type === 'binary' && !BASE64.test(value)) return wrongType(path, EXPECTED.binary, value);
  if (options.enforceCanonicalValues) checkCanonical(value, attribute, path);
  return value;
}

/**
 * Checks one simple value against a non-complex attribute definition and returns it (booleans read
 * from strings when lenient). Throws 400 invalidValue naming `path` and the expected type.
 */
export function coercePrimitive(
  value: unknown,
  attribute: AttributeDefinition,
  path: string,
  options: CoerceOptions = {},
): string | number | boolean {
  switch (attribute.type) {
    case 'boolean':
      return coerceBoolean(value, path, options);
    case 'integer':
      return typeof value === 'number' && Number.isSafeInteger(value) ? value : wrongType(path, EXPECTED.integer, value);
    case 'decimal':
      return typeof value === 'number' && Number.isFinite(value) ? value : wrongType(path, EXPECTED.decimal, value);
    case 'complex':
      return wrongType(path, EXPECTED.complex, value);
    default:
      return coerceString(value, attribute, path, options);
  }
}
