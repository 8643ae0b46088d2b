/**
 * Turns a PATCH `path` (RFC 7644 §3.5.2, Figure 7) into what it targets in the schemas: an
 * attribute, optionally one sub-attribute and optionally a value filter over a multi-valued
 * attribute, or a whole extension named by its bare URN. Unknown names are 400 `invalidPath`.
 */
import type { AttributePath, Filter } from '../filter/nodes.ts';
import { parsePath } from '../path/parse-path.ts';
import type { PatchPath } from '../path/types.ts';
import { findExtensionRoot, findSubAttribute, resolveAttribute } from '../schema/resolve.ts';
import type { AttributeDefinition, ResourceSchemas, SchemaDefinition } from '../schema/types.ts';
import { badRequest } from '../scim-error.ts';
import type { AttributeHome } from './context.ts';
import { filterOperandDefinition } from './match-element.ts';

/** An attribute, `attr.sub`, `attr[filter]` or `attr[filter].sub`. */
export interface AttributeTarget extends AttributeHome {
  readonly kind: 'attribute';
  readonly subAttribute?: AttributeDefinition;
  readonly filter?: Filter;
  /** The path as the client wrote it, for error details. */
  readonly label: string;
}

/** A whole extension, e.g. `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User`. */
export interface ExtensionTarget {
  readonly kind: 'extension';
  readonly schema: SchemaDefinition;
  readonly label: string;
}

export type PatchTarget = AttributeTarget | ExtensionTarget;

const invalidPath = (detail: string) => badRequest('invalidPath', detail);

function describePath(path: AttributePath): string {
  const head = path.uri === undefined ? path.attribute : `${path.uri}:${path.attribute}`;
  return path.subAttribute === undefined ? head : `${head}.${path.subAttribute}`;
}

/** Every comparison inside a value filter must name a sub-attribute of the filtered attribute. */
function checkFilter(filter: Filter, attribute: AttributeDefinition, label: string): void {
  switch (filter.kind) {
    case 'and':
    case 'or':
      checkFilter(filter.left, attribute, label);
      checkFilter(filter.right, attribute, label);
      return;
    case 'not':
      checkFilter(filter.filter, attribute, label);
      return;
    case 'valuePath':
      throw invalidPath(`"${label}": a value filter cannot contain another value filter`);
    default: {
      const name = describePath(filter.path);
      const known = filter.path.uri === undefined && filter.path.subAttribute === undefined;
      if (!known || !filterOperandDefinition(attribute, filter.path.attribute)) {
        throw invalidPath(`"${label}": "${attribute.name}" has no sub-attribute "${name}" to filter on`);
      }
    }
  }
}

function filteredTarget(parsed: PatchPath & { valueFilter: Filter }, home: AttributeHome, label: string): AttributeTarget {
  const { attribute } = home;
  if (!attribute.multiValued) {
    throw invalidPath(`"${label}": a value filter "[…]" applies only to multi-valued attributes, and "${attribute.name}" is single-valued`);
  }
  checkFilter(parsed.valueFilter, attribute, label);
  if (parsed.subAttribute === undefined) return { kind: 'attribute', ...home, filter: parsed.valueFilter, label };
  const subAttribute = findSubAttribute(attribute, parsed.subAttribute);
  if (!subAttribute) throw invalidPath(`"${label}": "${attribute.name}" has no sub-attribute "${parsed.subAttribute}"`);
  return { kind: 'attribute', ...home, subAttribute, filter: parsed.valueFilter, label };
}

/** Resolves an already parsed path against the resource type's schemas. */
export function resolveParsedPath(parsed: PatchPath, schemas: ResourceSchemas, label: string): PatchTarget {
  if (parsed.valueFilter === undefined) {
    const schema = findExtensionRoot(schemas, parsed.attribute);
    if (schema) return { kind: 'extension', schema, label };
  }
  const resolved = resolveAttribute(schemas, parsed.attribute);
  if (!resolved) {
    throw invalidPath(`"${label}": ${schemas.resourceType.name} has no attribute "${describePath(parsed.attribute)}"`);
  }
  const home: AttributeHome = { schemaId: resolved.schemaId, extension: resolved.extension, attribute: resolved.attribute };
  if (parsed.valueFilter !== undefined) return filteredTarget({ ...parsed, valueFilter: parsed.valueFilter }, home, label);
  return resolved.subAttribute
    ? { kind: 'attribute', ...home, subAttribute: resolved.subAttribute, label }
    : { kind: 'attribute', ...home, label };
}

/** Parses and resolves a PATCH path; every failure is 400 `invalidPath` (RFC 7644 §3.12). */
export function resolvePatchPath(text: unknown, schemas: ResourceSchemas): PatchTarget {
  if (typeof text !== 'string') throw invalidPath(`"path" must be a string, got ${typeof text}`);
  return resolveParsedPath(parsePath(text), schemas, text);
}
