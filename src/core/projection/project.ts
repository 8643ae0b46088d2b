/**
 * Projection of a resource for a response (RFC 7644 §3.4.2.5, §3.9) by the `returned`
 * characteristic (RFC 7643 §2.2): `always` attributes are always present, `never` ones (password)
 * never, `default` ones unless excluded or left out of an `attributes` list, `request` ones only
 * when `attributes` names them.
 */
import { COMMON_ATTRIBUTES } from '../schema/common.ts';
import { isPlainObject } from '../schema/coerce-value.ts';
import { resolveAttribute } from '../schema/resolve.ts';
import { attributePath } from '../filter/nodes.ts';
import type { AttributeDefinition, ResourceSchemas, ScimResource } from '../schema/types.ts';
import { attributeKey, compileRequest } from './compile-request.ts';
import type { CompiledRequest, ProjectionRequest } from './compile-request.ts';
import { applyValueFilters } from './value-filters.ts';

export type { ProjectionRequest } from './compile-request.ts';

/** Which part of an attribute is returned: all, none, only some sub-attributes, or all but some. */
type Selection =
  | 'all'
  | 'none'
  | { readonly only: ReadonlySet<string> }
  | { readonly except: ReadonlySet<string> };

function decide(request: CompiledRequest, schemaId: string, attribute: AttributeDefinition): Selection {
  if (attribute.returned === 'never') return 'none';
  if (attribute.returned === 'always') return 'all';
  const named = request.attributes.get(attributeKey(schemaId, attribute));
  const whole = request.wholeSchemas.has(schemaId.toLowerCase());
  if (request.mode === 'include') {
    if (named === 'all') return 'all';
    if (named !== undefined) return { only: named };
    return whole && attribute.returned === 'default' ? 'all' : 'none';
  }
  if (attribute.returned === 'request' || whole || named === 'all') return 'none';
  return named === undefined ? 'all' : { except: named };
}

function keepSub(sub: AttributeDefinition, selection: Selection): boolean {
  if (sub.returned === 'never') return false;
  if (sub.returned === 'always') return true;
  if (selection === 'all') return sub.returned === 'default';
  if (selection === 'none') return false;
  const name = sub.name.toLowerCase();
  if ('only' in selection) return selection.only.has(name);
  return !selection.except.has(name) && sub.returned === 'default';
}

const isEmpty = (value: unknown): boolean =>
  (isPlainObject(value) && Object.keys(value).length === 0) || (Array.isArray(value) && value.length === 0);

function projectComplex(value: Record<string, unknown>, attribute: AttributeDefinition, selection: Selection): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    const sub = attribute.subAttributes?.find((s) => s.name.toLowerCase() === key.toLowerCase());
    // Keys the schema does not know survive unless the client asked for specific sub-attributes.
    const keep = sub ? keepSub(sub, selection) : selection === 'all' || (typeof selection === 'object' && 'except' in selection);
    if (keep) result[key] = item;
  }
  return result;
}

function projectValue(value: unknown, attribute: AttributeDefinition, selection: Selection): unknown {
  if (attribute.type !== 'complex') return value;
  if (Array.isArray(value)) {
    return value.map((v) => (isPlainObject(v) ? projectComplex(v, attribute, selection) : v)).filter((v) => !isEmpty(v));
  }
  return isPlainObject(value) ? projectComplex(value, attribute, selection) : value;
}

function projectBlock(
  block: Readonly<Record<string, unknown>>,
  attributes: readonly AttributeDefinition[],
  schemaId: string,
  request: CompiledRequest,
): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(block)) {
    const attribute = attributes.find((a) => a.name.toLowerCase() === key.toLowerCase());
    if (!attribute) {
      if (request.mode === 'exclude') result[key] = value;
      continue;
    }
    const selection = decide(request, schemaId, attribute);
    if (selection === 'none') continue;
    const projected = projectValue(value, attribute, selection);
    if (!isEmpty(projected)) result[key] = projected;
  }
  return result;
}

/**
 * Returns a NEW resource holding what a response may show for `request` (RFC 7644 §3.9). Attribute
 * names are case-insensitive and may be `attr.sub`, URN-qualified, or a bare schema URN (the whole
 * extension). When both lists are given, `attributes` wins. An extension block left empty is
 * removed and its URN dropped from `schemas`. `valueFilters` keep only the matching values of
 * their attributes.
 */
export function project(source: ScimResource, schemas: ResourceSchemas, request: ProjectionRequest = {}): ScimResource {
  const compiled = compileRequest(schemas, request);
  const resource = request.valueFilters?.length ? applyValueFilters(source, schemas, request.valueFilters) : source;
  const extensionIds = new Map(schemas.extensions.map((s) => [s.id.toLowerCase(), s]));
  const core: Record<string, unknown> = {};
  const blocks: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(resource)) {
    const extension = extensionIds.get(key.toLowerCase());
    if (!extension) {
      core[key] = value;
      continue;
    }
    const block = isPlainObject(value) ? projectBlock(value, extension.attributes, extension.id, compiled) : {};
    if (Object.keys(block).length > 0) blocks[key] = block;
  }
  const result = projectBlock(core, [...COMMON_ATTRIBUTES, ...schemas.core.attributes], schemas.core.id, compiled);
  if (Array.isArray(result['schemas'])) {
    result['schemas'] = result['schemas'].filter(
      (uri) => typeof uri !== 'string' || !extensionIds.has(uri.toLowerCase()) || Object.keys(blocks).some((k) => k.toLowerCase() === uri.toLowerCase()),
    );
  }
  return { ...result, ...blocks };
}

/**
 * True when a response for `request` would contain any part of the attribute `name` — so a store
 * can skip loading, e.g., `members` for `excludedAttributes=members`. Unknown names give `true`.
 */
export function needsAttribute(schemas: ResourceSchemas, request: ProjectionRequest, name: string): boolean {
  const resolved = resolveAttribute(schemas, attributePath(name));
  if (!resolved) return true;
  return decide(compileRequest(schemas, request), resolved.schemaId, resolved.attribute) !== 'none';
}
