/**
 * Target attribute paths as the engine uses them (RFC 7644 §3.10 syntax): writing a value at a
 * path into a new resource (`name.givenName`, `emails[type eq "work"].value`, extension URNs),
 * reading the value at a path from a target resource, and the filter that finds a resource by the
 * value at a path.
 */
import type { Filter, FilterValue } from '../../core/filter/nodes.ts';
import { printFilter } from '../../core/filter/printer.ts';
import { parsePath } from '../../core/path/parse-path.ts';
import type { PatchPath } from '../../core/path/types.ts';
import { URN } from '../../core/urns.ts';

type Json = Record<string, unknown>;

const cache = new Map<string, PatchPath>();
function parsed(path: string): PatchPath {
  let result = cache.get(path);
  if (result === undefined) cache.set(path, (result = parsePath(path)));
  return result;
}

/** Case-insensitive own-property lookup (SCIM attribute names are case-insensitive). */
function keyOf(object: Json, name: string): string {
  if (name in object) return name;
  const lower = name.toLowerCase();
  return Object.keys(object).find((k) => k.toLowerCase() === lower) ?? name;
}

/** The `attr eq value` clauses of a value filter joined by `and` (the only kind a path can create). */
function equalities(filter: Filter): [string, FilterValue][] | undefined {
  if (filter.kind === 'compare' && filter.op === 'eq') return [[filter.path.attribute, filter.value]];
  if (filter.kind === 'and') {
    const left = equalities(filter.left);
    const right = equalities(filter.right);
    return left && right ? [...left, ...right] : undefined;
  }
  return undefined;
}

const sameValue = (a: unknown, b: FilterValue) => (typeof a === 'string' && typeof b === 'string' ? a.toLowerCase() === b.toLowerCase() : a === b);

function elementMatches(element: unknown, clauses: readonly [string, FilterValue][]): element is Json {
  if (element === null || typeof element !== 'object') return false;
  return clauses.every(([name, value]) => sameValue((element as Json)[keyOf(element as Json, name)], value));
}

/** The object holding the path's attribute: the resource, or its extension object. */
function container(resource: Json, path: PatchPath, create: boolean): Json | undefined {
  const uri = path.attribute.uri;
  if (uri === undefined || uri === URN.user || uri === URN.group) return resource;
  const key = keyOf(resource, uri);
  let extension = resource[key] as Json | undefined;
  if (extension === undefined && create) {
    extension = {};
    resource[key] = extension;
    const schemas = (resource['schemas'] as string[] | undefined) ?? [];
    if (!schemas.includes(uri)) resource['schemas'] = [...schemas, uri];
  }
  return extension;
}

/** Writes `value` at `path` into `resource` (creating intermediate objects and filtered elements). */
export function setPath(resource: Json, path: string, value: unknown): void {
  const p = parsed(path);
  const holder = container(resource, p, true)!;
  const name = keyOf(holder, p.attribute.attribute);
  if (p.valueFilter === undefined) {
    if (p.attribute.subAttribute === undefined) {
      holder[name] = value;
      return;
    }
    const inner = (holder[name] as Json | undefined) ?? {};
    inner[keyOf(inner, p.attribute.subAttribute)] = value;
    holder[name] = inner;
    return;
  }
  const clauses = equalities(p.valueFilter) ?? [];
  const list = Array.isArray(holder[name]) ? (holder[name] as unknown[]) : [];
  let element = list.find((e): e is Json => elementMatches(e, clauses));
  if (element === undefined) {
    element = Object.fromEntries(clauses);
    list.push(element);
  }
  element[p.subAttribute === undefined ? 'value' : keyOf(element, p.subAttribute)] = value;
  holder[name] = list;
}

/** The value at `path` in `resource` (undefined when absent). */
export function getPath(resource: Json, path: string): unknown {
  const p = parsed(path);
  const holder = container(resource, p, false);
  if (holder === undefined) return undefined;
  const value = holder[keyOf(holder, p.attribute.attribute)];
  if (p.valueFilter === undefined) {
    if (p.attribute.subAttribute === undefined) return value;
    return value !== null && typeof value === 'object' ? (value as Json)[keyOf(value as Json, p.attribute.subAttribute)] : undefined;
  }
  const clauses = equalities(p.valueFilter);
  if (clauses === undefined || !Array.isArray(value)) return undefined;
  const element = value.find((e) => elementMatches(e, clauses));
  if (element === undefined) return undefined;
  return element[p.subAttribute === undefined ? 'value' : keyOf(element, p.subAttribute)];
}

/** The SCIM filter selecting resources whose value at `path` equals `value`. */
export function equalityFilter(path: string, value: string | number | boolean): string {
  const p = parsed(path);
  const literal = JSON.stringify(value);
  const attr = p.attribute;
  const prefix = attr.uri === undefined ? '' : `${attr.uri}:`;
  if (p.valueFilter === undefined) return `${prefix}${attr.attribute}${attr.subAttribute === undefined ? '' : `.${attr.subAttribute}`} eq ${literal}`;
  return `${prefix}${attr.attribute}[${printFilter(p.valueFilter)} and ${p.subAttribute ?? 'value'} eq ${literal}]`;
}

/** A new resource document from path → value pairs. */
export function buildResource(schema: string, values: ReadonlyMap<string, unknown>): Json {
  const resource: Json = { schemas: [schema] };
  for (const [path, value] of values) setPath(resource, path, value);
  return resource;
}
