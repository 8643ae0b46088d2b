/** Small helpers over plain JSON objects, shared by the core modules. */

/** True for a non-null, non-array object. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The key of `object` equal to `name` ignoring case (RFC 7643 §2.1: attribute names are
 * case-insensitive), preferring an exact match; `undefined` when there is none.
 */
export function findKey(object: Readonly<Record<string, unknown>>, name: string): string | undefined {
  if (Object.hasOwn(object, name)) return name;
  const lower = name.toLowerCase();
  return Object.keys(object).find((key) => key.toLowerCase() === lower);
}

/** The value under `name` (case-insensitive), or `undefined`. */
export function getIgnoreCase(object: Readonly<Record<string, unknown>>, name: string): unknown {
  const key = findKey(object, name);
  return key === undefined ? undefined : object[key];
}
