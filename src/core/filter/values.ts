/**
 * Reading attribute values out of resource JSON for the matcher. Keys are matched
 * case-insensitively (RFC 7643 §2.1), multi-valued attributes are flattened, and `null`, `""`, `[]`
 * and `{}` count as "no value" (RFC 7643 §2.5; RFC 7644 §3.4.2.2 `pr`).
 */

/** A JSON object (not an array, not null). */
export type JsonObject = Record<string, unknown>;

export const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Returns a reader of the key `name` (case-insensitively) from an object. The exact spelling is
 * tried first, so resources stored in canonical case pay no scan.
 */
export function keyReader(name: string): (object: JsonObject) => unknown {
  const lower = name.toLowerCase();
  return (object) => {
    const exact = object[name];
    if (exact !== undefined) return exact;
    for (const key in object) {
      if (key.length === lower.length && key.toLowerCase() === lower) return object[key];
    }
    return undefined;
  };
}

/** The elements of a multi-valued value, or the value itself as a one-element list. */
export const asList = (value: unknown): readonly unknown[] =>
  Array.isArray(value) ? value : value === undefined || value === null ? [] : [value];

/**
 * True when `value` holds something: not undefined/null/"", an array with a present element, or an
 * object with a present member (RFC 7644 §3.4.2.2, `pr`: "a non-empty node for complex attributes").
 */
export function isPresent(value: unknown): boolean {
  if (value === undefined || value === null || value === '') return false;
  if (Array.isArray(value)) return value.some(isPresent);
  if (isObject(value)) {
    for (const key in value) if (isPresent(value[key])) return true;
    return false;
  }
  return true;
}

/** Reads the values a path points at in one container object, flattened to a list. */
export type ValuesReader = (container: JsonObject) => readonly unknown[];

/**
 * A reader for `attribute[.sub]` inside `container`, optionally first stepping into an extension
 * object (`urn:…` key). Each element of a multi-valued attribute contributes its sub-attribute.
 */
export function valuesReader(attribute: string, sub: string | undefined, extension?: string): ValuesReader {
  const readExtension = extension === undefined ? undefined : keyReader(extension);
  const readAttribute = keyReader(attribute);
  const readSub = sub === undefined ? undefined : keyReader(sub);
  return (container) => {
    let holder: unknown = container;
    if (readExtension !== undefined) holder = readExtension(container);
    if (!isObject(holder)) return [];
    const top = asList(readAttribute(holder));
    if (readSub === undefined) return top;
    const out: unknown[] = [];
    for (const element of top) {
      if (isObject(element)) out.push(...asList(readSub(element)));
    }
    return out;
  };
}
