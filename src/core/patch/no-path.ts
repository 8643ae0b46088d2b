/**
 * A no-path add/replace (RFC 7644 §3.5.2.1, §3.5.2.3): `value` is an object of attributes, with
 * extension attributes under their schema URN. Besides that RFC shape this accepts, unless strict,
 * Entra's dotted keys (`"name.givenName"`) and URN-qualified attribute keys
 * (`"urn:…:enterprise:2.0:User:employeeNumber"`), which are applied as paths (docs/clients.md S8),
 * and Okta's `id` equal to the resource's own id (B-O9). `meta` and `schemas` are ignored.
 */
import { findAttribute, findSchema, resolveAttribute } from '../schema/resolve.ts';
import { COMMON_ATTRIBUTES } from '../schema/common.ts';
import type { SchemaDefinition } from '../schema/types.ts';
import { isPlainObject } from '../json.ts';
import { parsePath } from '../path/parse-path.ts';
import { describeValue } from '../schema/coerce-primitive.ts';
import { badRequest, isScimError } from '../scim-error.ts';
import type { AttributeHome, PatchContext } from './context.ts';
import { jsonEqual } from './json-values.ts';
import { resolveParsedPath, type PatchTarget } from './resolve-target.ts';

/** One attribute of a no-path value, with the value it is given. */
export interface NoPathEntry {
  readonly target: PatchTarget;
  readonly value: unknown;
}

function unknownKey(context: PatchContext, key: string): undefined {
  if (!context.strict) return undefined;
  throw badRequest('invalidPath', `"${key}" is not an attribute of ${context.schemas.resourceType.name}`);
}

/** Keys that are paths rather than names; resolved leniently, unresolvable ones ignored. */
function pathKeyTarget(context: PatchContext, key: string): PatchTarget | undefined {
  if (context.strict) {
    throw badRequest('invalidPath', `"${key}": keys of a value without "path" must be attribute names in strict mode`);
  }
  try {
    return resolveParsedPath(parsePath(key), context.schemas, key);
  } catch (error) {
    if (isScimError(error) && error.scimType === 'invalidPath') return undefined;
    throw error;
  }
}

function homeOf(context: PatchContext, key: string, scope: SchemaDefinition | undefined): AttributeHome | undefined {
  if (scope !== undefined) {
    const isCore = scope === context.schemas.core;
    const attribute = findAttribute(scope.attributes, key) ?? (isCore ? findAttribute(COMMON_ATTRIBUTES, key) : undefined);
    return attribute && { schemaId: scope.id, extension: !isCore, attribute };
  }
  const resolved = resolveAttribute(context.schemas, { attribute: key });
  if (resolved?.extension && context.strict) {
    throw badRequest('invalidPath', `"${key}" belongs to ${resolved.schemaId}; put it under that URN in strict mode`);
  }
  return resolved && { schemaId: resolved.schemaId, extension: resolved.extension, attribute: resolved.attribute };
}

/** readOnly input the clients echo back and the RFC-lenient server ignores (S12). */
function isIgnoredEcho(context: PatchContext, home: AttributeHome, value: unknown): boolean {
  if (context.strict || home.extension || home.attribute.mutability !== 'readOnly') return false;
  const name = home.attribute.name;
  return name === 'meta' || name === 'schemas' || (name === 'id' && jsonEqual(value, context.originalId));
}

function entryTarget(context: PatchContext, key: string, value: unknown, scope: SchemaDefinition | undefined): PatchTarget | undefined {
  const isPathKey = scope === undefined && (key.includes('.') || key.toLowerCase().startsWith('urn:'));
  if (isPathKey) return pathKeyTarget(context, key);
  const home = homeOf(context, key, scope);
  if (home === undefined) return unknownKey(context, key);
  if (isIgnoredEcho(context, home, value)) return undefined;
  const label = home.extension ? `${home.schemaId}:${home.attribute.name}` : home.attribute.name;
  return { kind: 'attribute', ...home, label };
}

/**
 * The attributes a no-path value sets, in order. `scope` limits the keys to one schema (the value
 * under an extension URN key, or the value of an operation whose path is that URN).
 */
export function noPathEntries(context: PatchContext, op: 'add' | 'replace', value: unknown, scope?: SchemaDefinition): NoPathEntry[] {
  if (!isPlainObject(value)) {
    throw badRequest('invalidValue', `"${op}" without a "path" needs an object of attributes as its value, got ${describeValue(value)}`);
  }
  const entries: NoPathEntry[] = [];
  for (const [key, item] of Object.entries(value)) {
    const schema = scope === undefined ? findSchema(context.schemas, key) : undefined;
    if (schema === context.schemas.core) {
      if (item !== null) entries.push(...noPathEntries(context, op, item, schema));
    } else if (schema !== undefined) {
      entries.push({ target: { kind: 'extension', schema, label: schema.id }, value: item });
    } else {
      const target = entryTarget(context, key, item, scope);
      if (target) entries.push({ target, value: item });
    }
  }
  return entries;
}
