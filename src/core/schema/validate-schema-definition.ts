/**
 * Checks a custom extension schema an organization registers (RFC 7643 §7): a URN id, attribute
 * names per the ATTRNAME rule of §2.1, known types and characteristics, with the defaults of §2.2
 * filled in. Sub-attributes exist only on complex attributes and are never complex themselves.
 */
import { badRequest } from '../scim-error.ts';
import { URN } from '../urns.ts';
import { describeValue } from './coerce-primitive.ts';
import { isPlainObject } from './coerce-value.ts';
import type { AttributeDefinition, AttributeType, SchemaDefinition } from './types.ts';

const TYPES: readonly AttributeType[] = ['string', 'boolean', 'decimal', 'integer', 'dateTime', 'reference', 'complex', 'binary'];
const MUTABILITY = ['readOnly', 'readWrite', 'immutable', 'writeOnly'] as const;
const RETURNED = ['always', 'never', 'default', 'request'] as const;
const UNIQUENESS = ['none', 'server', 'global'] as const;
/** ATTRNAME = ALPHA *(nameChar), nameChar = "-" / "_" / DIGIT / ALPHA (RFC 7643 §2.1). */
const ATTRNAME = /^[A-Za-z][A-Za-z0-9_-]*$/;
/** `urn:` NID `:` NSS (RFC 8141), loosely: the NSS may not end with a colon. */
const SCHEMA_URN = /^urn:[A-Za-z0-9][A-Za-z0-9-]{0,31}:[A-Za-z0-9()+,\-.:=@;$_!*'%/?#]*[^:]$/;
const RESERVED = new Set<string>(Object.values(URN).map((u) => u.toLowerCase()));
const MAX_ATTRIBUTES = 200;

const invalid = (path: string, message: string): never => {
  throw badRequest('invalidValue', `Schema ${path} ${message}`);
};

function oneOf<T extends string>(value: unknown, allowed: readonly T[], fallback: T, path: string): T {
  if (value === undefined || value === null) return fallback;
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  const list = allowed.map((a) => `"${a}"`).join(', ');
  return invalid(path, `must be one of ${list}, got ${describeValue(value)}`);
}

function flag(value: unknown, path: string): boolean {
  if (value === undefined || value === null) return false;
  return typeof value === 'boolean' ? value : invalid(path, `must be a boolean, got ${describeValue(value)}`);
}

function optionalText(value: unknown, path: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  return typeof value === 'string' ? value : invalid(path, `must be a string, got ${describeValue(value)}`);
}

function stringList(value: unknown, path: string): readonly string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) {
    return invalid(path, `must be an array of strings, got ${describeValue(value)}`);
  }
  return Object.freeze([...value]);
}

function attributeName(value: unknown, path: string, sub: boolean): string {
  if (typeof value === 'string' && (ATTRNAME.test(value) || (sub && value === '$ref'))) return value;
  return invalid(`${path}.name`, `must start with a letter and contain only letters, digits, "-" and "_", got ${describeValue(value)}`);
}

function attributeList(value: unknown, path: string, sub: boolean): readonly AttributeDefinition[] {
  if (!Array.isArray(value) || value.length === 0) return invalid(path, 'must be a non-empty array of attribute definitions');
  if (value.length > MAX_ATTRIBUTES) return invalid(path, `may hold at most ${MAX_ATTRIBUTES} attributes`);
  const seen = new Set<string>();
  const list = value.map((item: unknown, index) => {
    const attribute = attributeDefinition(item, `${path}[${index}]`, sub);
    const key = attribute.name.toLowerCase();
    if (seen.has(key)) invalid(`${path}[${index}].name`, `repeats the attribute name "${attribute.name}"`);
    seen.add(key);
    return attribute;
  });
  return Object.freeze(list);
}

function attributeDefinition(input: unknown, path: string, sub: boolean): AttributeDefinition {
  if (!isPlainObject(input)) return invalid(path, `must be an object, got ${describeValue(input)}`);
  const name = attributeName(input['name'], path, sub);
  const type = oneOf(input['type'], TYPES, 'string', `${path}.type`);
  if (sub && type === 'complex') invalid(`${path}.type`, 'cannot be "complex": sub-attributes cannot be complex');
  const hasSubs = input['subAttributes'] !== undefined && input['subAttributes'] !== null;
  if (hasSubs && type !== 'complex') invalid(`${path}.subAttributes`, 'is allowed only on complex attributes');
  if (type === 'complex' && !hasSubs) invalid(`${path}.subAttributes`, 'is required for a complex attribute');
  const description = optionalText(input['description'], `${path}.description`);
  const canonicalValues = stringList(input['canonicalValues'], `${path}.canonicalValues`);
  const referenceTypes = stringList(input['referenceTypes'], `${path}.referenceTypes`);
  if (referenceTypes && type !== 'reference') invalid(`${path}.referenceTypes`, 'is allowed only on reference attributes');
  const definition: AttributeDefinition = {
    name,
    type,
    multiValued: flag(input['multiValued'], `${path}.multiValued`),
    ...(description === undefined ? {} : { description }),
    required: flag(input['required'], `${path}.required`),
    caseExact: flag(input['caseExact'], `${path}.caseExact`),
    mutability: oneOf(input['mutability'], MUTABILITY, 'readWrite', `${path}.mutability`),
    returned: oneOf(input['returned'], RETURNED, 'default', `${path}.returned`),
    uniqueness: oneOf(input['uniqueness'], UNIQUENESS, 'none', `${path}.uniqueness`),
    ...(canonicalValues ? { canonicalValues } : {}),
    ...(referenceTypes ? { referenceTypes } : {}),
    ...(type === 'complex' ? { subAttributes: attributeList(input['subAttributes'], `${path}.subAttributes`, true) } : {}),
  };
  return Object.freeze(definition);
}

function schemaId(value: unknown): string {
  if (typeof value !== 'string' || !SCHEMA_URN.test(value)) {
    return invalid('"id"', `must be a URN such as "urn:example:params:scim:schemas:extension:acme:2.0:User", got ${describeValue(value)}`);
  }
  if (RESERVED.has(value.toLowerCase())) return invalid('"id"', `"${value}" is reserved by RFC 7643/7644`);
  return value;
}

/**
 * Checks a custom schema definition (RFC 7643 §7) and returns it frozen with every characteristic
 * filled in (§2.2 defaults: string, single-valued, optional, not case-exact, readWrite, returned by
 * default, no uniqueness). Throws 400 invalidValue naming the offending field, or 400 invalidSyntax
 * when the input is not an object.
 */
export function validateSchemaDefinition(input: unknown): SchemaDefinition {
  if (!isPlainObject(input)) throw badRequest('invalidSyntax', `A schema must be a JSON object, got ${describeValue(input)}`);
  const id = schemaId(input['id']);
  const name = optionalText(input['name'], '"name"') ?? id.slice(id.lastIndexOf(':') + 1);
  const description = optionalText(input['description'], '"description"');
  const attributes = attributeList(input['attributes'], 'attributes', false);
  return Object.freeze({ id, name, ...(description === undefined ? {} : { description }), attributes });
}
