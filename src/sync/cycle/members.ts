/**
 * Group membership: a source group's member references resolved to target ids through the user
 * pass's links, and the difference to what the target holds written as PATCH batches of 100.
 */
import type { SourceObject } from '../sources/types.ts';
import type { CycleContext } from './context.ts';

/** The target ids of `object`'s members, and how many members have no usable user link yet. */
export function memberIds(cycle: CycleContext, object: SourceObject): { ids: string[]; unresolved: number } {
  const ids: string[] = [];
  let unresolved = 0;
  for (const reference of object.members ?? []) {
    const key = cycle.userRun?.snapshot?.keyOf?.(reference) ?? reference;
    const link = cycle.userRun?.links.get(key);
    if (link?.targetId && link.state !== 'deleted' && link.state !== 'pending') ids.push(link.targetId);
    else unresolved += 1;
  }
  return { ids: [...new Set(ids)], unresolved };
}

/** Adds and removes members so the group holds `wanted` (nothing sent in a dry run); true when anything differed. */
export async function writeMembers(cycle: CycleContext, targetId: string, before: readonly string[], wanted: readonly string[]): Promise<boolean> {
  const had = new Set(before);
  const want = new Set(wanted);
  const added = wanted.filter((id) => !had.has(id));
  const removed = before.filter((id) => !want.has(id));
  if (added.length === 0 && removed.length === 0) return false;
  if (!cycle.dryRun) {
    for (let i = 0; i < Math.max(added.length, removed.length); i += 100) {
      await cycle.deps.target.patchMembers(targetId, added.slice(i, i + 100), removed.slice(i, i + 100));
    }
  }
  return true;
}
