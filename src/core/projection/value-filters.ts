/**
 * Value filters in an `attributes` list, a leniency of the lenient profile: `emails[type eq "work"]`
 * asks for the `emails` attribute with only the values the filter matches, and
 * `emails[type eq "work"].value` for their `value` sub-attribute. RFC 7644 §3.9 allows only
 * attribute names there; clients borrow the value-path syntax of filters (§3.4.2.2) and PATCH paths.
 */
import { matchFilter } from '../filter/match.ts';
import type { ValuePathNode } from '../filter/nodes.ts';
import { parseFilter, type FilterOptions } from '../filter/parser.ts';
import { badRequest, isScimError } from '../scim-error.ts';
import { isPlainObject } from '../schema/coerce-value.ts';
import type { ResourceSchemas, ScimResource } from '../schema/types.ts';

/** An attributes list with its value filters taken out. */
export interface AttributeSelection {
  /** The names to project by: `emails[type eq "work"].value` becomes `emails.value`. */
  readonly names: readonly string[];
  /** One value path per value-filtered name (`emails[type eq "work"]`). */
  readonly valueFilters: readonly ValuePathNode[];
}

/**
 * Takes the value filters out of an `attributes` list. A name with `[` must be `attr[filter]`
 * optionally followed by `.sub`; anything else is 400 `invalidValue` naming the entry.
 */
export function selectValueFilters(names: readonly string[], options: FilterOptions = {}): AttributeSelection {
  const plain: string[] = [];
  const valueFilters: ValuePathNode[] = [];
  for (const name of names) {
    const open = name.indexOf('[');
    if (open < 0) {
      plain.push(name);
      continue;
    }
    const close = name.lastIndexOf(']');
    const tail = close < 0 ? '' : name.slice(close + 1);
    if (close < open || (tail !== '' && !/^\.[A-Za-z$][A-Za-z0-9_\-$]*$/.test(tail))) {
      throw badRequest('invalidValue', `attributes: "${name}" is not an attribute name or attr[filter] with an optional .subAttribute`);
    }
    let parsed;
    try {
      parsed = parseFilter(name.slice(0, close + 1), options);
    } catch (error) {
      if (!isScimError(error)) throw error;
      throw badRequest('invalidValue', `attributes: "${name}": ${error.detail}`);
    }
    if (parsed.kind !== 'valuePath') throw badRequest('invalidValue', `attributes: "${name}" is not attr[filter]`);
    valueFilters.push(parsed);
    plain.push(`${name.slice(0, open)}${tail}`);
  }
  return { names: plain, valueFilters };
}

/** The key of `block` matching `name` case-insensitively (RFC 7643 §2.1), if any. */
function keyOf(block: Readonly<Record<string, unknown>>, name: string): string | undefined {
  const lower = name.toLowerCase();
  return Object.keys(block).find((k) => k.toLowerCase() === lower);
}

/**
 * Keeps, in each value-filtered multi-valued attribute of `resource`, only the values its filter
 * matches; an attribute left without values is removed. Returns a new resource. Apply it before
 * projection, which may drop the sub-attributes the filter tests.
 */
export function applyValueFilters(resource: ScimResource, schemas: ResourceSchemas, filters: readonly ValuePathNode[]): ScimResource {
  let result: Record<string, unknown> = resource;
  for (const filter of filters) {
    const { uri, attribute } = filter.path;
    const blockKey = uri === undefined || uri.toLowerCase() === schemas.core.id.toLowerCase() ? undefined : keyOf(result, uri);
    if (uri !== undefined && blockKey === undefined && uri.toLowerCase() !== schemas.core.id.toLowerCase()) continue;
    const block = blockKey === undefined ? result : result[blockKey];
    if (!isPlainObject(block)) continue;
    const key = keyOf(block, attribute);
    const values = key === undefined ? undefined : block[key];
    if (key === undefined || !Array.isArray(values)) continue;
    // Each value is tested as the only value of its attribute, with the filter's own value path.
    const wrap = (value: unknown): ScimResource => (blockKey === undefined ? { [key]: [value] } : { [blockKey]: { [key]: [value] } });
    const kept = values.filter((value) => matchFilter(filter, wrap(value), schemas));
    const { [key]: _dropped, ...rest } = block;
    const updated = kept.length === 0 ? rest : { ...rest, [key]: kept };
    result = blockKey === undefined ? updated : { ...result, [blockKey]: updated };
  }
  return result as ScimResource;
}
