/** PATCH operations (RFC 7644 §3.5.2) and the membership delta the store applies. */

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
