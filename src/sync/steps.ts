/**
 * The steps a cycle records for each object it logs, in the model of provision on demand (Import
 * → Determine if in scope → Match between source and target → Perform action), kept compact: a
 * scheduled cycle may log 100,000 entries, so the details name what decided each step (the scope
 * verdict, the matching attribute and value, the written attribute names, the error code) rather
 * than repeating the source attributes or the HTTP exchanges that provision on demand shows.
 */
import type { SyncObjectType, SyncStep } from '../store/sync-state.ts';
import type { ObjectOutcome } from './outcome.ts';

const noun = (type: SyncObjectType) => (type === 'User' ? 'user' : 'group');

/** The steps of one object, filled as the cycle goes; `finish` adds the action step. */
export interface StepTrace {
  readonly steps: SyncStep[];
}

export const newTrace = (): StepTrace => ({ steps: [] });

/** Import: the object as read from the source (or gone from it). */
export function importStep(type: SyncObjectType, sourceKey: string, found: { readonly softDeleted: boolean; readonly changed: boolean } | 'removed'): SyncStep {
  const name = `Import ${noun(type)}`;
  if (found === 'removed') return { name, status: 'skipped', description: `Source object ${sourceKey} is no longer in the source`, details: { sourceKey, inSource: false } };
  const what = found.changed ? 'changed since the last cycle' : 're-evaluated';
  return { name, status: 'success', description: `Read source object ${sourceKey} (${what})`, details: { sourceKey, softDeleted: found.softDeleted } };
}

/** Determine if in scope: the verdict of the scoping filter and the soft-delete flag. */
export function scopeStep(inScope: boolean, softDeleted: boolean, clauses: number): SyncStep {
  const filter = clauses === 0 ? 'there is no scoping filter' : inScope ? 'the scoping filter holds' : 'no scoping group holds';
  const soft = softDeleted ? '; soft-deleted in the source (IsSoftDeleted = true)' : '';
  return { name: 'Determine if in scope', status: inScope && !softDeleted ? 'success' : 'skipped', description: `${inScope ? 'In scope' : 'Out of scope'}: ${filter}${soft}`, details: { inScope, softDeleted } };
}

const matchName = (type: SyncObjectType) => `Match ${noun(type)} between source and target`;

/** Match: linked by an earlier cycle. */
export function linkedStep(type: SyncObjectType, targetId: string, state: string): SyncStep {
  return { name: matchName(type), status: 'success', description: `Linked to target object ${targetId} by an earlier cycle (state ${state})`, details: { linked: true, targetId } };
}

/** Match: the result of looking the object up by its matching attributes. */
export function matchStep(type: SyncObjectType, result: { readonly by?: string; readonly value?: unknown; readonly targetId?: string; readonly candidates?: number; readonly error?: string }): SyncStep {
  const name = matchName(type);
  if (result.error !== undefined) return { name, status: 'failure', description: result.error, details: { linked: false, ...(result.by ? { attribute: result.by, value: result.value } : {}) } };
  if (result.targetId !== undefined) {
    return { name, status: 'success', description: `Matched target object ${result.targetId} by ${result.by ?? '?'} = ${JSON.stringify(result.value)}`, details: { linked: false, matchedBy: result.by, value: result.value, targetId: result.targetId } };
  }
  return { name, status: 'success', description: 'No target object matched', details: { linked: false } };
}

const ACTION_NAMES: Record<ObjectOutcome['action'], string> = { create: 'Create', update: 'Update', link: 'Link', disable: 'Disable', delete: 'Delete', skip: 'Skip', unchanged: 'None' };

/** Perform action: what was done (or why not), the target id, the attributes written. */
export function actionStep(outcome: ObjectOutcome): SyncStep {
  const action = ACTION_NAMES[outcome.action];
  const status = outcome.status;
  const description =
    status === 'failure'
      ? `${action === 'Skip' ? 'Failed' : `${action} failed`}: ${outcome.reason ?? 'unknown error'}`
      : status === 'skipped'
        ? `Skipped: ${outcome.reason ?? 'nothing to do'}`
        : `${action}${outcome.targetId ? ` target object ${outcome.targetId}` : ''}${outcome.reason ? ` (${outcome.reason})` : ''}`;
  return {
    name: 'Perform action',
    status,
    description,
    details: { action, ...(outcome.targetId ? { targetId: outcome.targetId } : {}), ...(outcome.errorCode ? { errorCode: outcome.errorCode } : {}), ...(outcome.changed?.length ? { changed: outcome.changed } : {}) },
  };
}

/**
 * The trace's steps closed by the action step. When an earlier step already failed (a match
 * that found several target objects), no action was attempted and none is added.
 */
export function finishSteps(trace: StepTrace, outcome: ObjectOutcome): readonly SyncStep[] {
  if (outcome.status === 'failure' && trace.steps.some((s) => s.status === 'failure')) return trace.steps;
  return [...trace.steps, actionStep(outcome)];
}

/** Steps as one line of text (CSV export, the table output): `Name: status — description | …`. */
export function describeSteps(steps: readonly SyncStep[]): string {
  return steps.map((s) => `${s.name}: ${s.status} — ${s.description}`).join(' | ');
}
