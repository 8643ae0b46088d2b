/**
 * One provisioning cycle (Entra's model): users first, then groups. For each source object read:
 * scope → (linked? update : match by precedence → link, or create) → write only what changed;
 * objects that left scope, were soft-deleted or disappeared from the source are deactivated
 * (`active: false`), and deleted only when the job allows it. Links, last exported values and the
 * watermark live in the store under the job's name; the watermark moves only when a type
 * finished, so an interrupted cycle is simply repeated. A crash between a POST and saving its
 * link leaves no duplicate: the next cycle finds the object by its matching attribute first.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { NewSyncLink, SyncLinkRecord, SyncObjectType, SyncStateStore } from '../store/sync-state.ts';
import type { SyncJob } from './config.ts';
import type { ObjectConfig } from './config-schema.ts';
import { compileMappings, desiredValues, expressionAttributes, matchingOrder, sameValue, type CompiledMapping } from './mapping.ts';
import { createTally, type CycleSummary, type ObjectOutcome, type Recorder } from './outcome.ts';
import { inScope } from './scope.ts';
import { finishSteps, importStep, linkedStep, matchStep, newTrace, scopeStep, type StepTrace } from './steps.ts';
import { SourceError, type Source, type SourceObject, type SourceSnapshot } from './sources/types.ts';
import { buildResource, equalityFilter, getPath } from './target/documents.ts';
import { TargetError, type ResourceKind, type ScimTarget } from './target/scim-target.ts';
import { URN } from '../core/urns.ts';

export interface CycleProgress {
  readonly runId: string;
  readonly kind: 'initial' | 'incremental';
  readonly objectType: SyncObjectType;
  readonly done: number;
  readonly total: number;
}

export interface CycleDeps {
  readonly state: SyncStateStore;
  readonly target: ScimTarget;
  readonly users: Source;
  readonly groups?: Source;
  readonly clock?: () => Date;
  readonly onOutcome?: Recorder;
  readonly onProgress?: (progress: CycleProgress) => void;
  /** Aborting stops taking new objects; the cycle ends `interrupted` without moving watermarks. */
  readonly signal?: AbortSignal;
  /** Plan only: read the source and the target, write nothing anywhere. */
  readonly dryRun?: boolean;
  /** Ignore watermarks and re-evaluate every object. */
  readonly initial?: boolean;
  /** The deletion threshold was approved (`scimd sync approve-deletions`): go past it this once. */
  readonly deletionsApproved?: boolean;
  /** The cycle's id (a new UUID when absent); provisioning logs record it with each entry. */
  readonly runId?: string;
  /**
   * Provision on demand: process only these source keys (a type without an entry is not
   * processed), re-evaluated in full. Nothing else is touched: no removal pass, no deletion
   * threshold, no watermark, no entry in the run history.
   */
  readonly only?: { readonly User?: ReadonlySet<string>; readonly Group?: ReadonlySet<string> };
}

/** Stops the cycle: a job-level failure (credentials, wrong URL, unreadable source). */
class CycleAbort extends Error {}

const HOUR_MS = 3_600_000;

/**
 * Escrow back-off: after the n-th failure in a row an object waits min(24 h, 30 min × 2^(n−1))
 * before it is tried again — the next cycle, then about 1 h, 2 h, 4 h, 8 h, 16 h, 24 h, 24 h …
 */
export function escrowDelayMs(failures: number): number {
  return Math.min(24 * HOUR_MS, (HOUR_MS / 2) * 2 ** Math.max(0, failures - 1));
}

/** Stops the cycle before it disables or deletes more objects than the threshold allows. */
class DeletionsHeld extends Error {
  constructor(
    readonly objectType: SyncObjectType,
    readonly count: number,
    readonly threshold: number,
  ) {
    super(`the cycle would disable or delete ${count} ${objectType === 'User' ? 'users' : 'groups'}, more than the deletion threshold of ${threshold}; nothing was changed. Check the source, then run "scimd sync approve-deletions" to let the next cycle proceed`);
  }
}

interface TypeRun {
  readonly type: SyncObjectType;
  readonly kind: ResourceKind;
  readonly section: ObjectConfig;
  readonly mappings: readonly CompiledMapping[];
  readonly matching: readonly CompiledMapping[];
  readonly links: Map<string, SyncLinkRecord>;
  readonly hasActiveMapping: boolean;
  snapshot?: SourceSnapshot;
}

const hashOf = (object: SourceObject) =>
  createHash('sha1').update(JSON.stringify([object.attributes, object.softDeleted, object.members ?? null])).digest('base64');

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** A stable code for a failed object's error: the target's HTTP status, or what kind of failure it was. */
const errorCodeOf = (error: unknown) =>
  error instanceof TargetError ? (error.status !== undefined ? `SCIM_${error.status}` : `TARGET_${error.kind.toUpperCase()}`) : 'SYNC_ERROR';

/** Before → after of each written attribute (before taken from `previous`, absent when it is undefined). */
const modifiedOf = (changes: ReadonlyMap<string, unknown>, previous?: (path: string) => unknown) =>
  [...changes].map(([name, after]) => {
    const before = previous?.(name);
    return before === undefined ? { name, after } : { name, before, after };
  });

async function forEachConcurrent<T>(items: readonly T[], workers: number, stop: () => boolean, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length && !stop()) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(workers, items.length)) }, worker));
}

/** Runs one cycle of `job`; resolves with its summary (job-level failures included, as `failed`). */
export async function runCycle(job: SyncJob, deps: CycleDeps): Promise<CycleSummary> {
  const { config, fingerprint } = job;
  const clock = deps.clock ?? (() => new Date());
  const dryRun = deps.dryRun ?? false;
  const started = clock().getTime();
  const runId = deps.runId ?? randomUUID();
  const tally = createTally();
  const stats0 = { ...deps.target.http.stats };
  const pending: NewSyncLink[] = [];
  let fatal: string | undefined;
  let fatalCode: CycleSummary['errorCode'];
  const stopped = () => fatal !== undefined || (deps.signal?.aborted ?? false);

  /** Counts and reports an outcome; with the object's trace, the outcome carries its steps. */
  const record = (outcome: ObjectOutcome, trace?: StepTrace) => {
    const traced = trace === undefined ? outcome : { ...outcome, steps: finishSteps(trace, outcome) };
    const final = dryRun && traced.status === 'success' && traced.action !== 'unchanged' ? { ...traced, dryRun: true } : traced;
    tally.add(final);
    deps.onOutcome?.(final);
  };

  async function flush(force = false): Promise<void> {
    if (dryRun || (pending.length < 200 && !force) || pending.length === 0) return;
    await deps.state.saveLinks(pending.splice(0, pending.length));
  }

  const save = async (run: TypeRun, written: NewSyncLink) => {
    // A success ends the object's escrow.
    const link = written.lastError === null ? { ...written, failures: 0, retryAt: null } : written;
    run.links.set(link.sourceKey, { ...link, updatedAt: '' });
    pending.push(link);
    await flush();
  };

  const baseLink = (run: TypeRun, key: string): NewSyncLink => ({
    job: config.name,
    objectType: run.type,
    sourceKey: key,
    targetId: null,
    state: 'pending',
    sourceHash: null,
    exported: {},
    members: null,
    lastError: null,
    failures: 0,
    retryAt: null,
  });

  // ---- members ---------------------------------------------------------------------------
  let userRun: TypeRun | undefined;
  function memberIds(object: SourceObject): { ids: string[]; unresolved: number } {
    const ids: string[] = [];
    let unresolved = 0;
    for (const reference of object.members ?? []) {
      const key = userRun?.snapshot?.keyOf?.(reference) ?? reference;
      const link = userRun?.links.get(key);
      if (link?.targetId && link.state !== 'deleted' && link.state !== 'pending') ids.push(link.targetId);
      else unresolved += 1;
    }
    return { ids: [...new Set(ids)], unresolved };
  }

  async function writeMembers(targetId: string, before: readonly string[], wanted: readonly string[]): Promise<boolean> {
    const had = new Set(before);
    const want = new Set(wanted);
    const added = wanted.filter((id) => !had.has(id));
    const removed = before.filter((id) => !want.has(id));
    if (added.length === 0 && removed.length === 0) return false;
    if (!dryRun) {
      for (let i = 0; i < Math.max(added.length, removed.length); i += 100) {
        await deps.target.patchMembers(targetId, added.slice(i, i + 100), removed.slice(i, i + 100));
      }
    }
    return true;
  }

  // ---- one object ------------------------------------------------------------------------
  function desired(run: TypeRun, object: SourceObject, phase: 'create' | 'update'): Map<string, unknown> {
    const values = desiredValues(run.mappings, object, phase, { now: clock });
    if (run.type === 'User' && !run.hasActiveMapping) values.set('active', !object.softDeleted);
    return values;
  }

  async function deactivate(run: TypeRun, link: SyncLinkRecord, hash: string | null, reason: string, trace: StepTrace): Promise<void> {
    const key = link.sourceKey;
    if (!link.targetId || link.state !== 'active' || config.skipOutOfScopeDeletions || !config.actions.disable) {
      if (hash !== null && link.sourceHash !== hash) await save(run, { ...link, sourceHash: hash });
      record({ objectType: run.type, sourceKey: key, action: 'skip', status: 'skipped', reason, ...(link.targetId ? { targetId: link.targetId } : {}) }, trace);
      return;
    }
    if (run.type === 'Group') {
      if (!config.actions.delete) {
        record({ objectType: run.type, sourceKey: key, action: 'skip', status: 'skipped', reason: `${reason}; deleting groups is switched off`, targetId: link.targetId }, trace);
        return;
      }
      if (!dryRun) await deps.target.remove('Groups', link.targetId);
      await save(run, { ...link, state: 'deleted', sourceHash: hash, lastError: null });
      record({ objectType: run.type, sourceKey: key, action: 'delete', status: 'success', reason, targetId: link.targetId }, trace);
      return;
    }
    if (!dryRun) await deps.target.patchAttributes('Users', link.targetId, new Map([['active', false]]));
    await save(run, { ...link, state: 'disabled', sourceHash: hash, exported: { ...link.exported, active: false }, lastError: null });
    record({ objectType: run.type, sourceKey: key, action: 'disable', status: 'success', reason, targetId: link.targetId, changed: ['active'], modified: [{ name: 'active', before: link.exported['active'] ?? true, after: false }] }, trace);
  }

  async function update(run: TypeRun, object: SourceObject, link: SyncLinkRecord, hash: string, trace: StepTrace): Promise<void> {
    const targetId = link.targetId!;
    const values = desired(run, object, 'update');
    const changes = new Map([...values].filter(([path, value]) => !sameValue(link.exported[path], value)));
    const members = run.type === 'Group' ? memberIds(object) : undefined;
    if (changes.size > 0 && config.actions.update && !dryRun) await deps.target.patchAttributes(run.kind, targetId, changes);
    const wrote = members !== undefined && (await writeMembers(targetId, link.members ?? [], members.ids));
    const exported = config.actions.update ? { ...link.exported, ...Object.fromEntries(changes) } : link.exported;
    const state = exported['active'] === false ? 'disabled' : 'active';
    await save(run, { ...link, state, exported, sourceHash: members?.unresolved ? null : hash, members: members ? members.ids : link.members, lastError: null });
    const changed = [...(config.actions.update ? changes.keys() : []), ...(wrote ? ['members'] : [])];
    if (changed.length === 0) return record({ objectType: run.type, sourceKey: object.key, action: 'unchanged', status: 'success', targetId });
    const action = changes.get('active') === false ? 'disable' : 'update';
    const modified = config.actions.update ? modifiedOf(changes, (path) => link.exported[path]) : [];
    record({ objectType: run.type, sourceKey: object.key, action, status: 'success', targetId, changed, modified }, trace);
  }

  async function findMatch(run: TypeRun, values: Map<string, unknown>, trace: StepTrace): Promise<{ hit?: Record<string, unknown>; by?: string; tried: boolean }> {
    let tried = false;
    for (const mapping of run.matching) {
      const value = values.get(mapping.target);
      if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') continue;
      tried = true;
      let hits: Record<string, unknown>[];
      try {
        hits = await deps.target.find(run.kind, equalityFilter(mapping.target, value));
      } catch (error) {
        trace.steps.push(matchStep(run.type, { by: mapping.target, value, error: `The lookup by ${mapping.target} failed: ${message(error)}` }));
        throw error;
      }
      if (hits.length > 1) {
        const error = new TargetError('object', `${hits.length} target objects match ${mapping.target} = ${JSON.stringify(value)}`);
        trace.steps.push(matchStep(run.type, { by: mapping.target, value, candidates: hits.length, error: error.message }));
        throw error;
      }
      if (hits.length === 1) {
        trace.steps.push(matchStep(run.type, { by: mapping.target, value, targetId: String(hits[0]!['id']) }));
        return { hit: hits[0]!, by: mapping.target, tried };
      }
    }
    if (tried) trace.steps.push(matchStep(run.type, {}));
    else trace.steps.push(matchStep(run.type, { error: `No value for any matching attribute (${run.matching.map((m) => m.target).join(', ')})` }));
    return { tried };
  }

  async function linkExisting(run: TypeRun, object: SourceObject, link: NewSyncLink, hit: Record<string, unknown>, by: string, hash: string, trace: StepTrace): Promise<void> {
    const targetId = String(hit['id']);
    const values = desired(run, object, 'update');
    const changes = new Map([...values].filter(([path, value]) => !sameValue(getPath(hit, path), value)));
    if (changes.size > 0 && config.actions.update && !dryRun) await deps.target.patchAttributes(run.kind, targetId, changes);
    const members = run.type === 'Group' ? memberIds(object) : undefined;
    if (members !== undefined) await writeMembers(targetId, [], members.ids);
    const exported = Object.fromEntries(values);
    await save(run, { ...link, targetId, state: exported['active'] === false ? 'disabled' : 'active', exported, sourceHash: members?.unresolved ? null : hash, members: members?.ids ?? null, lastError: null });
    record({ objectType: run.type, sourceKey: object.key, action: 'link', status: 'success', targetId, matchedBy: by, changed: [...changes.keys()], modified: modifiedOf(changes, (path) => getPath(hit, path)) }, trace);
  }

  async function matchOrCreate(run: TypeRun, object: SourceObject, previous: SyncLinkRecord | undefined, hash: string, trace: StepTrace): Promise<void> {
    const link = previous ?? baseLink(run, object.key);
    const values = desired(run, object, 'create');
    const match = await findMatch(run, values, trace);
    if (!match.tried) throw new TargetError('object', `no value for any matching attribute (${run.matching.map((m) => m.target).join(', ')})`);
    if (match.hit !== undefined) return linkExisting(run, object, link, match.hit, match.by!, hash, trace);
    if (!config.actions.create) {
      return record({ objectType: run.type, sourceKey: object.key, action: 'skip', status: 'skipped', reason: 'no matching target object and creating is switched off' }, trace);
    }
    const document = buildResource(run.type === 'User' ? URN.user : URN.group, values);
    let targetId = `dry-run:${object.key}`;
    if (!dryRun) {
      try {
        targetId = String((await deps.target.create(run.kind, document))['id']);
      } catch (error) {
        // Someone else created it meanwhile (or an earlier run did and its link was lost): link it.
        if (error instanceof TargetError && error.status === 409) {
          const again = await findMatch(run, values, trace);
          if (again.hit !== undefined) return linkExisting(run, object, link, again.hit, again.by!, hash, trace);
        }
        throw error;
      }
    }
    const members = run.type === 'Group' ? memberIds(object) : undefined;
    if (members !== undefined) await writeMembers(targetId, [], members.ids);
    await save(run, { ...link, targetId, state: values.get('active') === false ? 'disabled' : 'active', exported: Object.fromEntries(values), sourceHash: members?.unresolved ? null : hash, members: members?.ids ?? null, lastError: null });
    record({ objectType: run.type, sourceKey: object.key, action: 'create', status: 'success', targetId, changed: [...values.keys(), ...(members?.ids.length ? ['members'] : [])], modified: modifiedOf(values) }, trace);
  }

  async function reconcile(run: TypeRun, object: SourceObject, reevaluate: boolean): Promise<void> {
    const link = run.links.get(object.key);
    const hash = hashOf(object);
    const linked = link?.targetId != null && link.state !== 'deleted' && link.state !== 'pending';
    if (!reevaluate && linked && link!.sourceHash === hash && link!.lastError === null) {
      return record({ objectType: run.type, sourceKey: object.key, action: 'unchanged', status: 'success', targetId: link!.targetId! });
    }
    if (deps.only === undefined && link?.lastError != null && link.retryAt != null && link.retryAt > clock().toISOString()) {
      return record({ objectType: run.type, sourceKey: object.key, action: 'skip', status: 'skipped', escrowed: true, reason: `escrowed after ${link.failures ?? 1} failures in a row; next try after ${link.retryAt}`, ...(link.targetId ? { targetId: link.targetId } : {}) });
    }
    const trace = newTrace();
    trace.steps.push(importStep(run.type, object.key, { softDeleted: object.softDeleted, changed: link?.sourceHash !== hash }));
    try {
      const scoped = inScope(expressionAttributes(object), run.section.scope);
      trace.steps.push(scopeStep(scoped, object.softDeleted, run.section.scope.length));
      if (linked) trace.steps.push(linkedStep(run.type, link!.targetId!, link!.state));
      if (!scoped) {
        if (linked) return await deactivate(run, link!, hash, 'out of scope', trace);
        return record({ objectType: run.type, sourceKey: object.key, action: 'skip', status: 'skipped', reason: 'out of scope' }, trace);
      }
      if (object.softDeleted && (!linked || link!.state !== 'active')) {
        if (link !== undefined && link.sourceHash !== hash) await save(run, { ...link, sourceHash: hash });
        return record({ objectType: run.type, sourceKey: object.key, action: 'skip', status: 'skipped', reason: 'soft-deleted in the source' }, trace);
      }
      if (linked) return await update(run, object, link!, hash, trace);
      return await matchOrCreate(run, object, link, hash, trace);
    } catch (error) {
      if (error instanceof TargetError && link?.targetId && error.kind === 'gone') {
        // The linked target object was deleted behind our back: forget it and match or create again.
        const reset = { ...link, targetId: null, state: 'pending' as const, exported: {}, members: null };
        run.links.set(object.key, { ...reset, updatedAt: '' });
        return reconcile(run, object, true);
      }
      if (error instanceof TargetError && (error.kind === 'auth' || error.kind === 'endpoint')) {
        fatal ??= error.message;
        fatalCode ??= error.kind === 'auth' ? 'TARGET_AUTH' : 'TARGET_ENDPOINT';
        return;
      }
      const failures = (link?.failures ?? 0) + 1;
      const retryAt = new Date(clock().getTime() + escrowDelayMs(failures)).toISOString();
      if (!dryRun) await save(run, { ...(link ?? baseLink(run, object.key)), sourceHash: null, lastError: message(error), failures, retryAt });
      record({ objectType: run.type, sourceKey: object.key, action: 'skip', status: 'failure', reason: message(error), errorCode: errorCodeOf(error), ...(link?.targetId ? { targetId: link.targetId } : {}) }, trace);
    }
  }

  // ---- the deletion threshold ------------------------------------------------------------
  /** How many target objects this type's pass would disable or delete (decided before any write). */
  function plannedDeletions(run: TypeRun, snapshot: SourceSnapshot): number {
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

  // ---- one object type -------------------------------------------------------------------
  async function syncType(run: TypeRun, source: Source): Promise<void> {
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
      await forEachConcurrent(objects, config.target.concurrency, stopped, (object) => reconcile(run, object, true));
      await flush(true);
      return;
    }
    const planned = plannedDeletions(run, snapshot);
    if (planned > config.deletionThreshold && deps.deletionsApproved !== true && !dryRun) throw new DeletionsHeld(run.type, planned, config.deletionThreshold);
    let done = 0;
    const total = snapshot.objects.length;
    await forEachConcurrent(snapshot.objects, config.target.concurrency, stopped, async (object) => {
      await reconcile(run, object, initial);
      done += 1;
      deps.onProgress?.({ runId, kind, objectType: run.type, done, total });
    });
    if (stopped()) return;
    for (const link of [...run.links.values()]) {
      if (stopped()) return;
      if (snapshot.keys.has(link.sourceKey) || link.state === 'deleted') continue;
      const trace = newTrace();
      trace.steps.push(importStep(run.type, link.sourceKey, 'removed'));
      if (link.targetId) trace.steps.push(linkedStep(run.type, link.targetId, link.state));
      try {
        if (!link.targetId) {
          if (!dryRun) await deps.state.deleteLinks(config.name, run.type, [link.sourceKey]);
          continue;
        }
        if (config.actions.delete) {
          if (!dryRun) await deps.target.remove(run.kind, link.targetId);
          await save(run, { ...link, state: 'deleted', lastError: null });
          record({ objectType: run.type, sourceKey: link.sourceKey, action: 'delete', status: 'success', reason: 'removed from the source', targetId: link.targetId }, trace);
        } else {
          // A hash no source object has: an object that comes back unchanged is updated (reactivated).
          await deactivate(run, link, 'removed', 'removed from the source', trace);
        }
      } catch (error) {
        if (error instanceof TargetError && (error.kind === 'auth' || error.kind === 'endpoint')) {
          fatal ??= error.message;
          fatalCode ??= error.kind === 'auth' ? 'TARGET_AUTH' : 'TARGET_ENDPOINT';
        } else record({ objectType: run.type, sourceKey: link.sourceKey, action: 'skip', status: 'failure', reason: message(error), errorCode: errorCodeOf(error), targetId: link.targetId! }, trace);
      }
    }
    await flush(true);
    if (!stopped() && !dryRun) await deps.state.setWatermark(config.name, run.type, { value: snapshot.watermark ?? null, fingerprint });
  }

  async function prepare(type: SyncObjectType, section: ObjectConfig): Promise<TypeRun> {
    const mappings = compileMappings(section.mappings);
    const links = new Map((await deps.state.links(config.name, type)).map((l) => [l.sourceKey, l]));
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

  const usersWatermark = await deps.state.watermark(config.name, 'User');
  const kind = deps.initial || usersWatermark === undefined || usersWatermark.fingerprint !== fingerprint ? 'initial' : 'incremental';
  const history = !dryRun && deps.only === undefined;
  if (history) await deps.state.startRun({ job: config.name, id: runId, kind });
  let error: string | undefined;
  let held: DeletionsHeld | undefined;
  let counts = { users: 0, groups: 0 };
  try {
    userRun = await prepare('User', config.users);
    await syncType(userRun, deps.users);
    counts = { ...counts, users: userRun.snapshot?.objects.length ?? 0 };
    if (!stopped() && config.groups !== undefined && config.groups.enabled && deps.groups !== undefined && (deps.only === undefined || deps.only.Group !== undefined)) {
      const groupRun = await prepare('Group', config.groups);
      await syncType(groupRun, deps.groups);
      counts = { ...counts, groups: groupRun.snapshot?.objects.length ?? 0 };
    }
  } catch (failure) {
    if (failure instanceof DeletionsHeld) held = failure;
    else if (!(failure instanceof CycleAbort) && !(failure instanceof SourceError)) throw failure;
    else fatalCode ??= 'SOURCE';
    error = failure.message;
  } finally {
    await flush(true).catch(() => undefined);
  }
  error ??= fatal;
  const status = held !== undefined ? 'blocked' : error !== undefined ? 'failed' : deps.signal?.aborted ? 'interrupted' : 'succeeded';
  const stats = deps.target.http.stats;
  const summary: CycleSummary = {
    job: config.name,
    runId,
    kind,
    status,
    dryRun,
    ...tally.counts,
    requests: stats.requests - stats0.requests,
    retries: stats.retries - stats0.retries,
    throttled: stats.throttled - stats0.throttled,
    ...counts,
    durationMs: clock().getTime() - started,
    ...(error === undefined ? {} : { error }),
    ...(error === undefined || fatalCode === undefined || held !== undefined ? {} : { errorCode: fatalCode }),
    ...(held === undefined ? {} : { heldDeletions: { objectType: held.objectType, count: held.count, threshold: held.threshold } }),
  };
  if (history) await deps.state.finishRun(config.name, runId, { status, summary, error: error ?? null });
  return summary;
}
