/**
 * Folds group-membership operations into a `MembershipDelta` (RFC 7644 §3.5.2 applied to
 * `members`), so the store inserts and deletes rows instead of rewriting a 100k-member group.
 * Operations compose in order: add x then remove x adds nothing and removes x; replace then add
 * grows the replacement set; remove-all is a replace with the empty set.
 */
import type { MemberRef, MembershipDelta } from './types.ts';

/** The mutable accumulator behind one attribute's delta. */
export interface DeltaBuilder {
  replace: Map<string, MemberRef> | undefined;
  readonly add: Map<string, MemberRef>;
  readonly remove: Set<string>;
}

export function createDeltaBuilder(): DeltaBuilder {
  return { replace: undefined, add: new Map(), remove: new Set() };
}

/** Adds members; re-adding a member is idempotent and the latest `display`/`type` wins. */
export function deltaAdd(builder: DeltaBuilder, members: readonly MemberRef[]): void {
  for (const member of members) {
    if (builder.replace) {
      builder.replace.set(member.value, member);
    } else {
      builder.remove.delete(member.value);
      builder.add.set(member.value, member);
    }
  }
}

/** Removes members by id; removing a non-member is not an error (docs/clients.md B-O13). */
export function deltaRemove(builder: DeltaBuilder, ids: readonly string[]): void {
  for (const id of ids) {
    if (builder.replace) {
      builder.replace.delete(id);
    } else {
      builder.add.delete(id);
      builder.remove.add(id);
    }
  }
}

/** Replaces the whole membership; earlier adds and removes are superseded. */
export function deltaReplace(builder: DeltaBuilder, members: readonly MemberRef[]): void {
  builder.replace = new Map();
  builder.add.clear();
  builder.remove.clear();
  deltaAdd(builder, members);
}

/** True when the builder would change nothing. */
export function isEmptyDelta(builder: DeltaBuilder): boolean {
  return builder.replace === undefined && builder.add.size === 0 && builder.remove.size === 0;
}

/** The frozen delta the store applies. */
export function finishDelta(builder: DeltaBuilder): MembershipDelta {
  const add = Object.freeze([...builder.add.values()]);
  const remove = Object.freeze([...builder.remove]);
  if (builder.replace === undefined) return Object.freeze({ add, remove });
  return Object.freeze({ replace: Object.freeze([...builder.replace.values()]), add, remove });
}
