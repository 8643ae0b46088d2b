/** PATCH operations (RFC 7644 §3.5.2) and the membership delta the store applies. */
import type { ScimResource } from '../schema/types.ts';

export type PatchOpName = 'add' | 'replace' | 'remove';

/** One operation after normalisation: `op` lower-cased, `path` as sent (undefined when absent). */
export interface PatchOperation {
  readonly op: PatchOpName;
  readonly path?: string;
  readonly value?: unknown;
}

/** A reference to a group member as stored: its id and (`User` | `Group`) type when known. */
export interface MemberRef {
  readonly value: string;
  readonly type?: 'User' | 'Group';
  readonly display?: string;
}

/**
 * The net effect of a PATCH on a delta attribute (`members`), so the store can apply it as row
 * inserts and deletes without loading the group. Either `replace` is set (the new full set, after
 * later adds/removes were folded into it) or `add`/`remove` hold disjoint ids.
 */
export interface MembershipDelta {
  readonly replace?: readonly MemberRef[];
  readonly add: readonly MemberRef[];
  readonly remove: readonly string[];
}

/** Switches for `applyPatch` (RFC 7644 §3.5.2). */
export interface PatchOptions {
  /**
   * Exact RFC 7644 behaviour: turns off every client leniency listed in docs/patch.md (string
   * booleans, upserts on value filters that match nothing, dotted and URN keys in no-path values …).
   */
  readonly strict?: boolean;
  /**
   * Attributes whose operations are folded into a `MembershipDelta` instead of being read from or
   * written into the resource, e.g. `['members']` for groups.
   */
  readonly deltaAttributes?: readonly string[];
  /** The most operations one request may carry; more is rejected before anything is applied. */
  readonly maxOperations?: number;
}

/** What `applyPatch` returns: the new resource and what changed (RFC 7644 §3.5.2). */
export interface PatchResult {
  /** A new resource; the input is never mutated. */
  readonly resource: ScimResource;
  /** True when any attribute value or any delta changed. */
  readonly changed: boolean;
  /** Top-level attributes whose value differs, extension ones URN-qualified (`urn:…:User:manager`). */
  readonly changedAttributes: string[];
  /** One delta per delta attribute the operations touched, keyed by the attribute's schema name. */
  readonly deltas: Record<string, MembershipDelta>;
}
