/**
 * Validation and coercion of a resource body for create (POST, RFC 7644 §3.3) and replace (PUT,
 * RFC 7644 §3.5.1) against its schemas (RFC 7643 §2, §4, §7). Lenient by default, in the ways real
 * clients need (docs/clients.md S7, S11, S12, S16); `strict` turns the leniencies off.
 */
import { badRequest } from '../scim-error.ts';
import { COMMON_ATTRIBUTES } from './common.ts';
import { checkRequired, coerceAttributeSet, isPlainObject, pairKeys } from './coerce-value.ts';
import type { CoerceOptions } from './coerce-primitive.ts';
import { describeValue } from './coerce-primitive.ts';
import { findSchema } from './resolve.ts';
import { mergeExisting } from './validate-existing.ts';
import type { ResourceSchemas, SchemaDefinition, ScimResource } from './types.ts';

/** Options of {@link validateResource}. */
export interface ValidateOptions extends CoerceOptions {
  /**
   * The stored resource, for PUT: its readOnly attributes (id, meta, groups …) are kept, and its
   * immutable attributes must not change (400 mutability) — omitted ones are carried over.
   */
  readonly existing?: ScimResource;
}

interface Split {
  readonly core: Record<string, unknown>;
  readonly extensions: Map<SchemaDefinition, unknown>;
}

/** Separates extension blocks (URN keys, any case) from core and common attributes. */
function splitExtensions(input: Readonly<Record<string, unknown>>, schemas: ResourceSchemas): Split {
  const core: Record<string, unknown> = {};
  const extensions = new Map<SchemaDefinition, unknown>();
  const blocks: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(input)) {
    const schema = key.includes(':') ? findSchema(schemas, key) : undefined;
    if (schema && schema !== schemas.core) blocks[key] = value;
    else core[key] = value;
  }
  // Paired by id (not the schema's display name) so a duplicate is reported by its URN.
  const lookup = (key: string): { name: string; schema: SchemaDefinition } | undefined => {
    const schema = findSchema(schemas, key);
    return schema && { name: schema.id, schema };
  };
  for (const [{ schema }, value] of pairKeys(blocks, lookup, (id) => id).known) extensions.set(schema, value);
  return { core, extensions };
}

function checkSchemasMember(input: Readonly<Record<string, unknown>>, schemas: ResourceSchemas): void {
  const listed = input['schemas'];
  const ok = Array.isArray(listed) && listed.some((s) => typeof s === 'string' && s.toLowerCase() === schemas.core.id.toLowerCase());
  if (!ok) {
    throw badRequest('invalidSyntax', `"schemas" must be an array listing "${schemas.core.id}"`);
  }
}

function coerceCore(split: Split, schemas: ResourceSchemas, options: ValidateOptions): Record<string, unknown> {
  const attributes = [...COMMON_ATTRIBUTES, ...schemas.core.attributes];
  const pathOf = (name: string): string => name;
  const result = coerceAttributeSet(split.core, attributes, pathOf, options);
  const existing = options.existing;
  if (existing) mergeExisting(attributes, result, existing, pathOf);
  checkRequired(attributes, result, pathOf);
  return result;
}

function coerceExtension(
  schema: SchemaDefinition,
  raw: unknown,
  options: ValidateOptions,
): Record<string, unknown> {
  const pathOf = (name: string): string => `${schema.id}:${name}`;
  let result: Record<string, unknown> = {};
  if (raw !== undefined && raw !== null) {
    if (!isPlainObject(raw)) {
      throw badRequest('invalidValue', `Extension "${schema.id}" must be a JSON object, got ${describeValue(raw)}`);
    }
    result = coerceAttributeSet(raw, schema.attributes, pathOf, options);
  }
  const stored = options.existing?.[schema.id];
  if (isPlainObject(stored)) mergeExisting(schema.attributes, result, stored, pathOf);
  if (Object.keys(result).length > 0) checkRequired(schema.attributes, result, pathOf);
  return result;
}

/**
 * Validates a POST/PUT body and returns a NEW canonical resource: attribute names in the schema's
 * spelling, core attributes at the top, extension attributes under their schema id, `schemas` = the
 * core URN plus every extension present. Unknown attributes and `schemas[]` entries, nulls and
 * readOnly input are dropped; values are kept exactly as sent (booleans may be read from strings).
 * Throws 400 invalidSyntax for a body that is not an object, 400 invalidValue for missing required
 * attributes and wrong types, 400 mutability for a changed immutable attribute (PUT).
 */
export function validateResource(input: unknown, schemas: ResourceSchemas, options: ValidateOptions = {}): ScimResource {
  if (!isPlainObject(input)) {
    throw badRequest('invalidSyntax', `The resource must be a JSON object, got ${describeValue(input)}`);
  }
  if (options.strict) checkSchemasMember(input, schemas);
  const split = splitExtensions(input, schemas);
  const body = coerceCore(split, schemas, options);
  const listed: string[] = [schemas.core.id];
  for (const schema of schemas.extensions) {
    const block = coerceExtension(schema, split.extensions.get(schema), options);
    const required = schemas.resourceType.schemaExtensions.some((e) => e.required && e.schema === schema.id);
    if (Object.keys(block).length === 0) {
      if (required) throw badRequest('invalidValue', `Extension "${schema.id}" is required`);
      continue;
    }
    body[schema.id] = block;
    listed.push(schema.id);
  }
  return { schemas: listed, ...body };
}
