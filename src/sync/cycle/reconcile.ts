/**
 * One source object's way through a cycle: unchanged since its last success → nothing; escrowed
 * after failures in a row → wait; otherwise scope → (linked? update : match or create) → write only
 * what changed. A failure puts the object in escrow with a growing back-off; a target's auth or
 * endpoint failure stops the whole cycle instead.
 */
import type { SyncLinkRecord } from '../../store/sync-state.ts';
import { expressionAttributes, sameValue } from '../mapping.ts';
import { inScope } from '../scope.ts';
import { importStep, linkedStep, newTrace, scopeStep, type StepTrace } from '../steps.ts';
import type { SourceObject } from '../sources/types.ts';
import { TargetError } from '../target/scim-target.ts';
import { desired, errorCodeOf, hashOf, message, modifiedOf, type CycleContext, type TypeRun } from './context.ts';
import { deactivate } from './deactivate.ts';
import { matchOrCreate } from './match-or-create.ts';
import { memberIds, writeMembers } from './members.ts';

const HOUR_MS = 3_600_000;

/**
 * Escrow back-off: after the n-th failure in a row an object waits min(24 h, 30 min × 2^(n−1))
 * before it is tried again — the next cycle, then about 1 h, 2 h, 4 h, 8 h, 16 h, 24 h, 24 h …
 */
export function escrowDelayMs(failures: number): number {
  return Math.min(24 * HOUR_MS, (HOUR_MS / 2) * 2 ** Math.max(0, failures - 1));
}

/** Brings the target object of `object` in line with it; `reevaluate` ignores an unchanged source hash. */
export async function reconcile(cycle: CycleContext, run: TypeRun, object: SourceObject, reevaluate: boolean): Promise<void> {
  const link = run.links.get(object.key);
  const hash = hashOf(object);
  const linked = link?.targetId != null && link.state !== 'deleted' && link.state !== 'pending';
  if (!reevaluate && linked && link!.sourceHash === hash && link!.lastError === null) {
    return cycle.record({ objectType: run.type, sourceKey: object.key, action: 'unchanged', status: 'success', targetId: link!.targetId! });
  }
  if (cycle.deps.only === undefined && link?.lastError != null && link.retryAt != null && link.retryAt > cycle.clock().toISOString()) {
    return cycle.record({ objectType: run.type, sourceKey: object.key, action: 'skip', status: 'skipped', escrowed: true, reason: `escrowed after ${link.failures ?? 1} failures in a row; next try after ${link.retryAt}`, ...(link.targetId ? { targetId: link.targetId } : {}) });
  }
  const trace = newTrace();
  trace.steps.push(importStep(run.type, object.key, { softDeleted: object.softDeleted, changed: link?.sourceHash !== hash }));
  try {
    await act(cycle, run, object, linked ? link : undefined, link, hash, trace);
  } catch (error) {
    if (error instanceof TargetError && link?.targetId && error.kind === 'gone') {
      // The linked target object was deleted behind our back: forget it and match or create again.
      const reset = { ...link, targetId: null, state: 'pending' as const, exported: {}, members: null };
      run.links.set(object.key, { ...reset, updatedAt: '' });
      return reconcile(cycle, run, object, true);
    }
    if (cycle.stopOnJobFailure(error)) return;
    await escrow(cycle, run, object, link, error, trace);
  }
}

/**
 * Scope, then the action: deactivate, skip, update the linked target object, or match or create one.
 * `linked` is `link` when it points at a live target object, undefined otherwise.
 */
async function act(cycle: CycleContext, run: TypeRun, object: SourceObject, linked: SyncLinkRecord | undefined, link: SyncLinkRecord | undefined, hash: string, trace: StepTrace): Promise<void> {
  const scoped = inScope(expressionAttributes(object), run.section.scope);
  trace.steps.push(scopeStep(scoped, object.softDeleted, run.section.scope.length));
  if (linked) trace.steps.push(linkedStep(run.type, linked.targetId!, linked.state));
  if (!scoped) {
    if (linked) return deactivate(cycle, run, linked, hash, 'out of scope', trace);
    return cycle.record({ objectType: run.type, sourceKey: object.key, action: 'skip', status: 'skipped', reason: 'out of scope' }, trace);
  }
  if (object.softDeleted && (!linked || linked.state !== 'active')) {
    if (link !== undefined && link.sourceHash !== hash) await cycle.save(run, { ...link, sourceHash: hash });
    return cycle.record({ objectType: run.type, sourceKey: object.key, action: 'skip', status: 'skipped', reason: 'soft-deleted in the source' }, trace);
  }
  if (linked) return update(cycle, run, object, linked, hash, trace);
  return matchOrCreate(cycle, run, object, link, hash, trace);
}

/** Writes the attributes and members of a linked object that differ from what was last exported. */
async function update(cycle: CycleContext, run: TypeRun, object: SourceObject, link: SyncLinkRecord, hash: string, trace: StepTrace): Promise<void> {
  const { config, deps, dryRun } = cycle;
  const targetId = link.targetId!;
  const values = desired(cycle, run, object, 'update');
  const changes = new Map([...values].filter(([path, value]) => !sameValue(link.exported[path], value)));
  const members = run.type === 'Group' ? memberIds(cycle, object) : undefined;
  if (changes.size > 0 && config.actions.update && !dryRun) await deps.target.patchAttributes(run.kind, targetId, changes);
  const wrote = members !== undefined && (await writeMembers(cycle, targetId, link.members ?? [], members.ids));
  const exported = config.actions.update ? { ...link.exported, ...Object.fromEntries(changes) } : link.exported;
  const state = exported['active'] === false ? 'disabled' : 'active';
  await cycle.save(run, { ...link, state, exported, sourceHash: members?.unresolved ? null : hash, members: members ? members.ids : link.members, lastError: null });
  const changed = [...(config.actions.update ? changes.keys() : []), ...(wrote ? ['members'] : [])];
  if (changed.length === 0) return cycle.record({ objectType: run.type, sourceKey: object.key, action: 'unchanged', status: 'success', targetId });
  const action = changes.get('active') === false ? 'disable' : 'update';
  const modified = config.actions.update ? modifiedOf(changes, (path) => link.exported[path]) : [];
  cycle.record({ objectType: run.type, sourceKey: object.key, action, status: 'success', targetId, changed, modified }, trace);
}

/** Records a failed object and holds it back for its escrow delay (nothing is saved in a dry run). */
async function escrow(cycle: CycleContext, run: TypeRun, object: SourceObject, link: SyncLinkRecord | undefined, error: unknown, trace: StepTrace): Promise<void> {
  const failures = (link?.failures ?? 0) + 1;
  const retryAt = new Date(cycle.clock().getTime() + escrowDelayMs(failures)).toISOString();
  if (!cycle.dryRun) await cycle.save(run, { ...(link ?? cycle.baseLink(run, object.key)), sourceHash: null, lastError: message(error), failures, retryAt });
  cycle.record({ objectType: run.type, sourceKey: object.key, action: 'skip', status: 'failure', reason: message(error), errorCode: errorCodeOf(error), ...(link?.targetId ? { targetId: link.targetId } : {}) }, trace);
}
