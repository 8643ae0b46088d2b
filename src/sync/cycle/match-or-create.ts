/**
 * A source object in scope with no link yet: find its target object by the matching attributes in
 * precedence order and link it (writing what differs), or create it. A 409 on create means someone
 * created it meanwhile, so the lookup runs once more before giving up.
 */
import type { NewSyncLink, SyncLinkRecord } from '../../store/sync-state.ts';
import { sameValue } from '../mapping.ts';
import { matchStep, type StepTrace } from '../steps.ts';
import type { SourceObject } from '../sources/types.ts';
import { buildResource, equalityFilter, getPath } from '../target/documents.ts';
import { TargetError } from '../target/scim-target.ts';
import { URN } from '../../core/urns.ts';
import { desired, message, modifiedOf, type CycleContext, type TypeRun } from './context.ts';
import { memberIds, writeMembers } from './members.ts';

interface Match {
  readonly hit?: Record<string, unknown>;
  readonly by?: string;
  /** False when the object has no value for any matching attribute. */
  readonly tried: boolean;
}

/** Looks the object up by each matching attribute in turn; more than one hit is an error. */
async function findMatch(cycle: CycleContext, run: TypeRun, values: Map<string, unknown>, trace: StepTrace): Promise<Match> {
  let tried = false;
  for (const mapping of run.matching) {
    const value = values.get(mapping.target);
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') continue;
    tried = true;
    let hits: Record<string, unknown>[];
    try {
      hits = await cycle.deps.target.find(run.kind, equalityFilter(mapping.target, value));
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

/** Links the matched target object `hit` and writes the attributes and members that differ. */
async function linkExisting(cycle: CycleContext, run: TypeRun, object: SourceObject, link: NewSyncLink, hit: Record<string, unknown>, by: string, hash: string, trace: StepTrace): Promise<void> {
  const { config, deps, dryRun } = cycle;
  const targetId = String(hit['id']);
  const values = desired(cycle, run, object, 'update');
  const changes = new Map([...values].filter(([path, value]) => !sameValue(getPath(hit, path), value)));
  if (changes.size > 0 && config.actions.update && !dryRun) await deps.target.patchAttributes(run.kind, targetId, changes);
  const members = run.type === 'Group' ? memberIds(cycle, object) : undefined;
  if (members !== undefined) await writeMembers(cycle, targetId, [], members.ids);
  const exported = Object.fromEntries(values);
  await cycle.save(run, { ...link, targetId, state: exported['active'] === false ? 'disabled' : 'active', exported, sourceHash: members?.unresolved ? null : hash, members: members?.ids ?? null, lastError: null });
  cycle.record({ objectType: run.type, sourceKey: object.key, action: 'link', status: 'success', targetId, matchedBy: by, changed: [...changes.keys()], modified: modifiedOf(changes, (path) => getPath(hit, path)) }, trace);
}

/** Links `object` to its matching target object, or creates one when none matches and creating is allowed. */
export async function matchOrCreate(cycle: CycleContext, run: TypeRun, object: SourceObject, previous: SyncLinkRecord | undefined, hash: string, trace: StepTrace): Promise<void> {
  const { config, deps, dryRun } = cycle;
  const link = previous ?? cycle.baseLink(run, object.key);
  const values = desired(cycle, run, object, 'create');
  const match = await findMatch(cycle, run, values, trace);
  if (!match.tried) throw new TargetError('object', `no value for any matching attribute (${run.matching.map((m) => m.target).join(', ')})`);
  if (match.hit !== undefined) return linkExisting(cycle, run, object, link, match.hit, match.by!, hash, trace);
  if (!config.actions.create) {
    return cycle.record({ objectType: run.type, sourceKey: object.key, action: 'skip', status: 'skipped', reason: 'no matching target object and creating is switched off' }, trace);
  }
  const document = buildResource(run.type === 'User' ? URN.user : URN.group, values);
  let targetId = `dry-run:${object.key}`;
  if (!dryRun) {
    try {
      targetId = String((await deps.target.create(run.kind, document))['id']);
    } catch (error) {
      // Someone else created it meanwhile (or an earlier run did and its link was lost): link it.
      if (error instanceof TargetError && error.status === 409) {
        const again = await findMatch(cycle, run, values, trace);
        if (again.hit !== undefined) return linkExisting(cycle, run, object, link, again.hit, again.by!, hash, trace);
      }
      throw error;
    }
  }
  const members = run.type === 'Group' ? memberIds(cycle, object) : undefined;
  if (members !== undefined) await writeMembers(cycle, targetId, [], members.ids);
  await cycle.save(run, { ...link, targetId, state: values.get('active') === false ? 'disabled' : 'active', exported: Object.fromEntries(values), sourceHash: members?.unresolved ? null : hash, members: members?.ids ?? null, lastError: null });
  cycle.record({ objectType: run.type, sourceKey: object.key, action: 'create', status: 'success', targetId, changed: [...values.keys(), ...(members?.ids.length ? ['members'] : [])], modified: modifiedOf(values) }, trace);
}
