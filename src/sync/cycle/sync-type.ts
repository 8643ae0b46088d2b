/**
 * One object type's pass: read the source (from the watermark, or in full on an initial cycle or
 * when some object waits for a retry), refuse to go past the deletion threshold, reconcile every
 * object, then deactivate or delete what disappeared from the source. The watermark moves only when
 * the pass finished, so an interrupted cycle is simply repeated.
 */
import type { SyncLinkRecord, SyncObjectType } from '../../store/sync-state.ts';
import type { ObjectConfig, SyncConfig } from '../config-schema.ts';
import { compileMappings, expressionAttributes, matchingOrder } from '../mapping.ts';
import { inScope } from '../scope.ts';
import { importStep, linkedStep, newTrace } from '../steps.ts';
import type { Source, SourceSnapshot } from '../sources/types.ts';
import { errorCodeOf, message, type CycleContext, type TypeRun } from './context.ts';
import { deactivate } from './deactivate.ts';
import { reconcile } from './reconcile.ts';

/** Stops the cycle: a job-level failure (credentials, wrong URL, unreadable source). */
export class CycleAbort extends Error {}

/** Stops the cycle before it disables or deletes more objects than the threshold allows. */
export class DeletionsHeld extends Error {
  constructor(
    readonly objectType: SyncObjectType,
    readonly count: number,
    readonly threshold: number,
  ) {
    super(`the cycle would disable or delete ${count} ${objectType === 'User' ? 'users' : 'groups'}, more than the deletion threshold of ${threshold}; nothing was changed. Check the source, then run "scimd sync approve-deletions" to let the next cycle proceed`);
  }
}

async function forEachConcurrent<T>(items: readonly T[], workers: number, stop: () => boolean, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length && !stop()) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(workers, items.length)) }, worker));
}

/** Compiles `section`'s mappings and loads the type's links. */
export async function prepareRun(cycle: CycleContext, type: SyncObjectType, section: ObjectConfig): Promise<TypeRun> {
  const mappings = compileMappings(section.mappings);
  const links = new Map((await cycle.deps.state.links(cycle.config.name, type)).map((l) => [l.sourceKey, l]));
  return {
    type,
    kind: type === 'User' ? 'Users' : 'Groups',
    section,
    mappings,
    matching: matchingOrder(mappings),
    links,
    hasActiveMapping: mappings.some((m) => m.target.toLowerCase() === 'active'),
  };
}

/** How many target objects this type's pass would disable or delete (decided before any write). */
function plannedDeletions(config: SyncConfig, run: TypeRun, snapshot: SourceSnapshot): number {
  const disables = run.type === 'User' && config.actions.disable;
  const deactivates = (state: string) => (config.actions.delete && run.type === 'Group') || (disables && !config.skipOutOfScopeDeletions && state === 'active');
  let count = 0;
  for (const object of snapshot.objects) {
    const link = run.links.get(object.key);
    if (!link?.targetId || link.state !== 'active') continue;
    if (!inScope(expressionAttributes(object), run.section.scope)) count += deactivates(link.state) ? 1 : 0;
    else if (object.softDeleted && disables) count += 1;
  }
  for (const link of run.links.values()) {
    if (snapshot.keys.has(link.sourceKey) || link.state === 'deleted' || !link.targetId) continue;
    if (config.actions.delete || deactivates(link.state)) count += 1;
  }
  return count;
}

/** Runs `run`'s pass over `source`; throws CycleAbort when the source cannot be read, DeletionsHeld past the threshold. */
export async function syncType(cycle: CycleContext, run: TypeRun, source: Source): Promise<void> {
  const { config, deps, dryRun, fingerprint } = cycle;
  const watermark = await deps.state.watermark(config.name, run.type);
  const needsRetry = [...run.links.values()].some((l) => l.state !== 'deleted' && (l.lastError !== null || l.sourceHash === null));
  const initial = deps.initial === true || watermark === undefined || watermark.fingerprint !== fingerprint;
  let snapshot: SourceSnapshot;
  try {
    snapshot = await source.read(initial || needsRetry || deps.only !== undefined ? undefined : (watermark.value ?? undefined));
  } catch (error) {
    throw new CycleAbort(`reading the ${run.type.toLowerCase()} source failed: ${message(error)}`);
  }
  run.snapshot = snapshot;
  const only = deps.only?.[run.type];
  if (deps.only !== undefined) {
    const objects = only === undefined ? [] : snapshot.objects.filter((o) => only.has(o.key));
    await forEachConcurrent(objects, config.target.concurrency, cycle.stopped, (object) => reconcile(cycle, run, object, true));
    await cycle.flush(true);
    return;
  }
  const planned = plannedDeletions(config, run, snapshot);
  if (planned > config.deletionThreshold && deps.deletionsApproved !== true && !dryRun) throw new DeletionsHeld(run.type, planned, config.deletionThreshold);
  let done = 0;
  const total = snapshot.objects.length;
  await forEachConcurrent(snapshot.objects, config.target.concurrency, cycle.stopped, async (object) => {
    await reconcile(cycle, run, object, initial);
    done += 1;
    deps.onProgress?.({ runId: cycle.runId, kind: cycle.kind, objectType: run.type, done, total });
  });
  if (cycle.stopped()) return;
  if (!(await removeMissing(cycle, run, snapshot))) return;
  await cycle.flush(true);
  if (!cycle.stopped() && !dryRun) await deps.state.setWatermark(config.name, run.type, { value: snapshot.watermark ?? null, fingerprint });
}

/** Deactivates or deletes the target objects whose source objects are gone; false when the cycle stopped first. */
async function removeMissing(cycle: CycleContext, run: TypeRun, snapshot: SourceSnapshot): Promise<boolean> {
  for (const link of [...run.links.values()]) {
    if (cycle.stopped()) return false;
    if (snapshot.keys.has(link.sourceKey) || link.state === 'deleted') continue;
    await removeOne(cycle, run, link);
  }
  return true;
}

async function removeOne(cycle: CycleContext, run: TypeRun, link: SyncLinkRecord): Promise<void> {
  const { config, deps, dryRun } = cycle;
  const trace = newTrace();
  trace.steps.push(importStep(run.type, link.sourceKey, 'removed'));
  if (link.targetId) trace.steps.push(linkedStep(run.type, link.targetId, link.state));
  try {
    if (!link.targetId) {
      if (!dryRun) await deps.state.deleteLinks(config.name, run.type, [link.sourceKey]);
      return;
    }
    if (config.actions.delete) {
      if (!dryRun) await deps.target.remove(run.kind, link.targetId);
      await cycle.save(run, { ...link, state: 'deleted', lastError: null });
      cycle.record({ objectType: run.type, sourceKey: link.sourceKey, action: 'delete', status: 'success', reason: 'removed from the source', targetId: link.targetId }, trace);
    } else {
      // A hash no source object has: an object that comes back unchanged is updated (reactivated).
      await deactivate(cycle, run, link, 'removed', 'removed from the source', trace);
    }
  } catch (error) {
    if (!cycle.stopOnJobFailure(error)) cycle.record({ objectType: run.type, sourceKey: link.sourceKey, action: 'skip', status: 'failure', reason: message(error), errorCode: errorCodeOf(error), targetId: link.targetId! }, trace);
  }
}
