/**
 * The before/after of the attributes a write changed, for the revision history. Secrets
 * (`password`) are never recorded, and `meta` (bookkeeping) is left out.
 */
import type { ScimResource } from '../core/schema/types.ts';

const IGNORED = new Set(['meta', 'password', 'id', 'schemas']);

export interface AttributeChanges {
  readonly changed: readonly string[];
  readonly before: Readonly<Record<string, unknown>>;
  readonly after: Readonly<Record<string, unknown>>;
}

// An attribute only on one side is a change without serialising it (a create changes every one).
const same = (a: unknown, b: unknown): boolean => a === b || (a !== undefined && b !== undefined && JSON.stringify(a) === JSON.stringify(b));

/** The top-level (and extension-URN) attributes whose value differs between two resources. */
export function diffResources(before: ScimResource | undefined, after: ScimResource | undefined): AttributeChanges {
  const keys = new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})]);
  const changed: string[] = [];
  const b: Record<string, unknown> = {};
  const a: Record<string, unknown> = {};
  for (const key of keys) {
    if (IGNORED.has(key)) continue;
    const old = before?.[key];
    const now = after?.[key];
    if (same(old, now)) continue;
    changed.push(key);
    if (old !== undefined) b[key] = old;
    if (now !== undefined) a[key] = now;
  }
  return { changed: changed.sort(), before: b, after: a };
}
