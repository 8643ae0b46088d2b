/**
 * The before/after of the attributes a write changed, for the revision history. Secrets
 * (`password`) are never recorded, and `meta` (bookkeeping) is left out.
 */
import type { ResourceSchemas, SchemaDefinition, ScimResource } from '../core/schema/types.ts';

const IGNORED = new Set(['meta', 'password', 'id', 'schemas']);

export interface AttributeChanges {
  readonly changed: readonly string[];
  readonly before: Readonly<Record<string, unknown>>;
  readonly after: Readonly<Record<string, unknown>>;
}

/**
 * True when `JSON.stringify(a) === JSON.stringify(b)` for JSON data (what resources are), without
 * serialising either: member order counts, members holding `undefined` are skipped, `undefined` in
 * an array is `null`, and so are non-finite numbers. A PATCH compared every attribute this way by
 * serialising both sides, two strings per attribute per write.
 */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a === 'number' && typeof b === 'number') return !Number.isFinite(a) && !Number.isFinite(b);
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') {
    return (a === null || (typeof a === 'number' && !Number.isFinite(a))) && (b === null || (typeof b === 'number' && !Number.isFinite(b)));
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i += 1) if (!sameJson(a[i] ?? null, b[i] ?? null)) return false;
    return true;
  }
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  const leftKeys = Object.keys(left).filter((k) => left[k] !== undefined);
  const rightKeys = Object.keys(right).filter((k) => right[k] !== undefined);
  if (leftKeys.length !== rightKeys.length) return false;
  for (let i = 0; i < leftKeys.length; i += 1) {
    const key = leftKeys[i] as string;
    if (key !== rightKeys[i] || !sameJson(left[key], right[key])) return false;
  }
  return true;
}

// An attribute only on one side is a change without comparing it (a create changes every one).
const same = (a: unknown, b: unknown): boolean => a === b || (a !== undefined && b !== undefined && sameJson(a, b));

/** Per extension URN, the attributes never returned (RFC 7643 §2.2 `returned: never`): write-only secrets. */
export type HiddenAttributes = ReadonlyMap<string, ReadonlySet<string>>;

// Schema sets are immutable and live as long as their registry: computed once per set.
const hiddenBySchemas = new WeakMap<ResourceSchemas, HiddenAttributes>();

/** The never-returned attributes of extension schemas, which the history must not record either. */
export function hiddenAttributesOf(schemas: ResourceSchemas | readonly SchemaDefinition[]): HiddenAttributes {
  const key = 'extensions' in schemas ? schemas : undefined;
  const known = key && hiddenBySchemas.get(key);
  if (known) return known;
  const list = 'extensions' in schemas ? schemas.extensions : schemas;
  const hidden = new Map<string, ReadonlySet<string>>();
  for (const schema of list) {
    const names = schema.attributes.filter((a) => a.returned === 'never').map((a) => a.name);
    if (names.length > 0) hidden.set(schema.id, new Set(names));
  }
  if (key) hiddenBySchemas.set(key, hidden);
  return hidden;
}

/** An extension block without its never-returned attributes. */
function visible(value: unknown, names: ReadonlySet<string> | undefined): unknown {
  if (names === undefined || value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  return Object.fromEntries(Object.entries(value).filter(([name]) => !names.has(name)));
}

/**
 * The top-level (and extension-URN) attributes whose value differs between two resources; the
 * `hidden` attributes of extension blocks are left out of the comparison and the values.
 */
export function diffResources(before: ScimResource | undefined, after: ScimResource | undefined, hidden?: HiddenAttributes): AttributeChanges {
  const keys = new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})]);
  const changed: string[] = [];
  const b: Record<string, unknown> = {};
  const a: Record<string, unknown> = {};
  for (const key of keys) {
    if (IGNORED.has(key)) continue;
    const names = hidden?.get(key);
    const old = visible(before?.[key], names);
    const now = visible(after?.[key], names);
    if (same(old, now)) continue;
    changed.push(key);
    if (old !== undefined) b[key] = old;
    if (now !== undefined) a[key] = now;
  }
  return { changed: changed.sort(), before: b, after: a };
}
