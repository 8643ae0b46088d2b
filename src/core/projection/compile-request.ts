/**
 * Turns the attribute names of a projection request (RFC 7644 §3.9) into a lookup resolved against
 * the resource type's schemas: names case-insensitive, `attr.sub`, URN-qualified names, and a bare
 * schema URN meaning that whole schema. Names the schemas do not define are ignored.
 */
import { attributePath, type ValuePathNode } from '../filter/nodes.ts';
import { findSchema, resolveAttribute } from '../schema/resolve.ts';
import type { AttributeDefinition, ResourceSchemas } from '../schema/types.ts';

/** What a client asked for: `attributes` wins when both lists are given. */
export interface ProjectionRequest {
  readonly attributes?: readonly string[];
  readonly excludedAttributes?: readonly string[];
  /** Value filters on multi-valued attributes (`emails[type eq "work"]`, see value-filters.ts). */
  readonly valueFilters?: readonly ValuePathNode[];
}

/** Named sub-attributes (lower-case), or `'all'` when the attribute itself was named. */
type Named = Set<string> | 'all';

export interface CompiledRequest {
  readonly mode: 'include' | 'exclude';
  /** Lower-case ids of schemas named as a whole. */
  readonly wholeSchemas: ReadonlySet<string>;
  /** Keyed by {@link attributeKey}. */
  readonly attributes: ReadonlyMap<string, Named>;
}

/** The lookup key of a top-level attribute of a schema. */
export function attributeKey(schemaId: string, attribute: AttributeDefinition): string {
  return `${schemaId.toLowerCase()}|${attribute.name.toLowerCase()}`;
}

/** Splits `urn:…:Schema:attr.sub` (or `attr.sub`) into the schema named and the rest. */
function splitName(schemas: ResourceSchemas, name: string): { uri?: string; rest: string } {
  if (!name.toLowerCase().startsWith('urn:')) return { rest: name };
  const lower = name.toLowerCase();
  // Longest id first, so an extension whose id extends another's is not cut short.
  const candidates = [schemas.core, ...schemas.extensions].sort((a, b) => b.id.length - a.id.length);
  for (const schema of candidates) {
    const id = schema.id.toLowerCase();
    if (lower === id) return { uri: schema.id, rest: '' };
    if (lower.startsWith(`${id}:`)) return { uri: schema.id, rest: name.slice(id.length + 1) };
  }
  return { uri: name, rest: '' };
}

function add(map: Map<string, Named>, key: string, sub: string | undefined): void {
  const current = map.get(key);
  if (current === 'all') return;
  if (sub === undefined) {
    map.set(key, 'all');
    return;
  }
  map.set(key, new Set([...(current ?? []), sub.toLowerCase()]));
}

function compileNames(schemas: ResourceSchemas, names: readonly string[]): Omit<CompiledRequest, 'mode'> {
  const wholeSchemas = new Set<string>();
  const attributes = new Map<string, Named>();
  for (const name of names) {
    const { uri, rest } = splitName(schemas, name);
    if (rest === '') {
      const schema = uri === undefined ? undefined : findSchema(schemas, uri);
      if (schema) wholeSchemas.add(schema.id.toLowerCase());
      continue;
    }
    const dot = rest.indexOf('.');
    const attribute = dot < 0 ? rest : rest.slice(0, dot);
    const sub = dot < 0 ? undefined : rest.slice(dot + 1);
    const resolved = resolveAttribute(schemas, attributePath(attribute, sub, uri));
    if (resolved) add(attributes, attributeKey(resolved.schemaId, resolved.attribute), resolved.subAttribute?.name);
  }
  return { wholeSchemas, attributes };
}

/** Resolves a request once so that projecting many resources costs no repeated name lookups. */
export function compileRequest(schemas: ResourceSchemas, request: ProjectionRequest): CompiledRequest {
  const included = request.attributes ?? [];
  if (included.length > 0) return { mode: 'include', ...compileNames(schemas, included) };
  return { mode: 'exclude', ...compileNames(schemas, request.excludedAttributes ?? []) };
}
