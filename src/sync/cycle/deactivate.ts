/**
 * What happens to a linked target object whose source object left scope or the source: a user is
 * disabled (`active: false`), a group is deleted — each only when the job's actions allow it.
 */
import type { SyncLinkRecord } from '../../store/sync-state.ts';
import type { StepTrace } from '../steps.ts';
import type { CycleContext, TypeRun } from './context.ts';

/** Disables (users) or deletes (groups) `link`'s target object, or records why it is left alone. */
export async function deactivate(cycle: CycleContext, run: TypeRun, link: SyncLinkRecord, hash: string | null, reason: string, trace: StepTrace): Promise<void> {
  const { config, deps, dryRun } = cycle;
  const key = link.sourceKey;
  if (!link.targetId || link.state !== 'active' || config.skipOutOfScopeDeletions || !config.actions.disable) {
    if (hash !== null && link.sourceHash !== hash) await cycle.save(run, { ...link, sourceHash: hash });
    cycle.record({ objectType: run.type, sourceKey: key, action: 'skip', status: 'skipped', reason, ...(link.targetId ? { targetId: link.targetId } : {}) }, trace);
    return;
  }
  if (run.type === 'Group') {
    if (!config.actions.delete) {
      cycle.record({ objectType: run.type, sourceKey: key, action: 'skip', status: 'skipped', reason: `${reason}; deleting groups is switched off`, targetId: link.targetId }, trace);
      return;
    }
    if (!dryRun) await deps.target.remove('Groups', link.targetId);
    await cycle.save(run, { ...link, state: 'deleted', sourceHash: hash, lastError: null });
    cycle.record({ objectType: run.type, sourceKey: key, action: 'delete', status: 'success', reason, targetId: link.targetId }, trace);
    return;
  }
  if (!dryRun) await deps.target.patchAttributes('Users', link.targetId, new Map([['active', false]]));
  await cycle.save(run, { ...link, state: 'disabled', sourceHash: hash, exported: { ...link.exported, active: false }, lastError: null });
  cycle.record({ objectType: run.type, sourceKey: key, action: 'disable', status: 'success', reason, targetId: link.targetId, changed: ['active'], modified: [{ name: 'active', before: link.exported['active'] ?? true, after: false }] }, trace);
}
