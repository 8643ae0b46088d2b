/**
 * Resolves attribute references (RFC 7644 §3.10) against a resource type's schemas. Names and URNs
 * are matched case-insensitively (RFC 7643 §2.1). An unqualified name is looked up in the common
 * attributes, then the core schema, then — leniently, because clients such as Entra send
 * `manager eq "…"` — in the extensions, in registration order.
 */
import type { AttributePath } from '../filter/nodes.ts';
import { COMMON_ATTRIBUTES } from './common.ts';
import type { AttributeDefinition, ResolvedAttribute, ResourceSchemas, SchemaDefinition } from './types.ts';

const same = (a: string, b: string): boolean => a.length === b.length && a.toLowerCase() === b.toLowerCase();

/** The attribute named `name` among `attributes`, case-insensitively. */
export function findAttribute(
  attributes: readonly AttributeDefinition[],
  name: string,
): AttributeDefinition | undefined {
  return attributes.find((a) => same(a.name, name));
}

/** The sub-attribute `name` of a complex attribute, case-insensitively. */
export function findSubAttribute(parent: AttributeDefinition, name: string): AttributeDefinition | undefined {
  return parent.subAttributes ? findAttribute(parent.subAttributes, name) : undefined;
}

/** The core schema or extension whose id is `uri`, case-insensitively. */
export function findSchema(schemas: ResourceSchemas, uri: string): SchemaDefinition | undefined {
  if (same(schemas.core.id, uri)) return schemas.core;
  return schemas.extensions.find((s) => same(s.id, uri));
}

/**
 * The extension schema a path names as a whole, e.g. the PATCH path
 * `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User`, which parses as
 * `{ uri: 'urn:…:2.0', attribute: 'User' }`.
 */
export function findExtensionRoot(schemas: ResourceSchemas, path: AttributePath): SchemaDefinition | undefined {
  if (path.uri === undefined || path.subAttribute !== undefined) return undefined;
  const extension = schemas.extensions.find((s) => same(s.id, `${path.uri}:${path.attribute}`));
  return extension;
}

function withSub(
  schemaId: string,
  extension: boolean,
  attribute: AttributeDefinition,
  subName: string | undefined,
): ResolvedAttribute | undefined {
  if (subName === undefined) return { schemaId, extension, attribute };
  const subAttribute = findSubAttribute(attribute, subName);
  return subAttribute ? { schemaId, extension, attribute, subAttribute } : undefined;
}

/**
 * Resolves `path` to its attribute (and sub-attribute) definition, or `undefined` when the schemas
 * define no such attribute.
 */
export function resolveAttribute(schemas: ResourceSchemas, path: AttributePath): ResolvedAttribute | undefined {
  if (path.uri !== undefined) {
    const schema = findSchema(schemas, path.uri);
    if (!schema) return undefined;
    const isCore = schema === schemas.core;
    const attribute =
      findAttribute(schema.attributes, path.attribute) ??
      (isCore ? findAttribute(COMMON_ATTRIBUTES, path.attribute) : undefined);
    return attribute ? withSub(schema.id, !isCore, attribute, path.subAttribute) : undefined;
  }
  const core =
    findAttribute(COMMON_ATTRIBUTES, path.attribute) ?? findAttribute(schemas.core.attributes, path.attribute);
  if (core) return withSub(schemas.core.id, false, core, path.subAttribute);
  for (const extension of schemas.extensions) {
    const attribute = findAttribute(extension.attributes, path.attribute);
    if (attribute) return withSub(extension.id, true, attribute, path.subAttribute);
  }
  return undefined;
}
