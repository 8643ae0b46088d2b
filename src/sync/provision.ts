/**
 * Provision on demand (Entra's "Provision on demand"): one user, or one group with up to five of
 * its members, run through the cycle's logic right now, with a trace of the steps Entra shows —
 * Test connection → Import → Determine if in scope (every clause with its value and result) →
 * Match between source and target (the matching attribute, the filter, the candidates) → Perform
 * action (the requests sent, the answers, the attributes before → after). The action itself is
 * the engine's (`runCycle` restricted to the object), so links and exported values are updated as
 * a scheduled cycle would, and the outcome is written to the provisioning logs.
 */
import { randomUUID } from 'node:crypto';
import type { SyncLogStore, SyncObjectType, SyncStateStore, SyncStep } from '../store/sync-state.ts';
import type { SyncJob } from './config.ts';
import type { ObjectConfig } from './config-schema.ts';
import { runCycle } from './engine.ts';
import { createLogWriter } from './logs.ts';
import { compileMappings, desiredValues, expressionAttributes, matchingOrder } from './mapping.ts';
import type { ObjectOutcome } from './outcome.ts';
import { clauseHolds, inScope } from './scope.ts';
import { createSource } from './sources/index.ts';
import type { SourceObject, SourceSnapshot } from './sources/types.ts';
import type { HttpExchange } from './target/http-client.ts';
import { equalityFilter } from './target/documents.ts';
import { createScimTarget, TargetError, type ScimTarget } from './target/scim-target.ts';

/** Entra's limit for a group provisioned on demand. */
export const ON_DEMAND_MEMBER_LIMIT = 5;

export type StepStatus = SyncStep['status'];

/** One step of the report: the same model a cycle's provisioning-log entries store, in full here. */
export type ProvisionStep = SyncStep;

export interface ProvisionedObject {
  readonly objectType: SyncObjectType;
  readonly sourceKey: string | null;
  readonly status: StepStatus;
  readonly steps: readonly ProvisionStep[];
}

export interface ProvisionReport {
  readonly job: string;
  /** The id the provisioning-log entries of this run carry. */
  readonly runId: string;
  readonly request: { readonly user: string } | { readonly group: string };
  readonly status: StepStatus;
  readonly objects: readonly ProvisionedObject[];
  /** Group members not provisioned because of the five-member limit. */
  readonly membersLeftOut?: number;
}

export interface ProvisionDeps {
  readonly state: SyncStateStore;
  readonly logs?: SyncLogStore;
  readonly clock?: () => Date;
}

const excerpt = (text: string | undefined, max = 400) => (text === undefined ? undefined : text.length > max ? `${text.slice(0, max)}…` : text);

const shownExchange = (e: HttpExchange, base: string) => ({
  request: `${e.method} ${e.url.startsWith(base) ? e.url.slice(base.length) : e.url}`,
  ...(e.body === undefined ? {} : { body: e.body }),
  ...(e.status === undefined ? { error: e.error } : { status: e.status, response: excerpt(e.responseText) }),
});

const worst = (statuses: readonly StepStatus[]): StepStatus => (statuses.includes('failure') ? 'failure' : statuses.includes('skipped') ? 'skipped' : 'success');

function findSourceObject(snapshot: SourceSnapshot, section: ObjectConfig, wanted: string, nameAttribute: string, now: () => Date): SourceObject | undefined {
  const byKey = snapshot.objects.find((o) => o.key === wanted);
  if (byKey !== undefined) return byKey;
  const mappings = compileMappings(section.mappings);
  const lower = wanted.toLowerCase();
  return snapshot.objects.find((o) => {
    const mapped = desiredValues(mappings, o, 'create', { now }).get(nameAttribute);
    return typeof mapped === 'string' && mapped.toLowerCase() === lower;
  });
}

function scopeStep(object: SourceObject, section: ObjectConfig, label: string): ProvisionStep {
  const attributes = expressionAttributes(object);
  const groups = section.scope.map((group, i) => ({
    group: i + 1,
    clauses: group.map((clause) => ({ attribute: clause.attribute, operator: clause.operator, value: clause.value ?? null, actual: attributes[clause.attribute] ?? null, holds: clauseHolds(attributes, clause) })),
  }));
  const holds = inScope(attributes, section.scope);
  const filter = section.scope.length === 0 ? 'there is no scoping filter' : holds ? 'every clause of at least one scoping group holds' : 'no scoping group has all its clauses holding';
  const soft = object.softDeleted ? `; the source marks the ${label} as soft-deleted (IsSoftDeleted = true)` : '';
  return {
    name: 'Determine if in scope',
    status: holds && !object.softDeleted ? 'success' : 'skipped',
    description: `${holds ? 'In scope' : 'Out of scope'}: ${filter}${soft}`,
    details: { inScope: holds, softDeleted: object.softDeleted, groups },
  };
}

async function matchStep(job: SyncJob, type: SyncObjectType, object: SourceObject, target: ScimTarget, state: SyncStateStore, now: () => Date): Promise<ProvisionStep> {
  const name = `Match ${type === 'User' ? 'user' : 'group'} between source and target`;
  const link = (await state.links(job.config.name, type)).find((l) => l.sourceKey === object.key);
  if (link?.targetId && link.state !== 'pending' && link.state !== 'deleted') {
    return { name, status: 'success', description: `Linked to target object ${link.targetId} by an earlier cycle (state ${link.state})`, details: { linked: true, targetId: link.targetId, linkState: link.state } };
  }
  const section = type === 'User' ? job.config.users : job.config.groups!;
  const values = desiredValues(compileMappings(section.mappings), object, 'create', { now });
  const attempts: Record<string, unknown>[] = [];
  for (const mapping of matchingOrder(compileMappings(section.mappings))) {
    const value = values.get(mapping.target);
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
      attempts.push({ attribute: mapping.target, precedence: mapping.matching, value: null, note: 'no value: skipped' });
      continue;
    }
    const filter = equalityFilter(mapping.target, value);
    let hits: Record<string, unknown>[];
    try {
      hits = await target.find(type === 'User' ? 'Users' : 'Groups', filter, 10);
    } catch (error) {
      attempts.push({ attribute: mapping.target, precedence: mapping.matching, value, filter, error: (error as Error).message });
      return { name, status: 'failure', description: `The lookup by ${mapping.target} failed: ${(error as Error).message}`, details: { linked: false, attempts } };
    }
    const candidates = hits.map((h) => ({ id: h['id'], userName: h['userName'], displayName: h['displayName'] }));
    attempts.push({ attribute: mapping.target, precedence: mapping.matching, value, filter, candidates });
    if (hits.length > 1) return { name, status: 'failure', description: `${hits.length} target objects match ${mapping.target} = ${JSON.stringify(value)}`, details: { linked: false, attempts } };
    if (hits.length === 1) return { name, status: 'success', description: `Matched target object ${String(hits[0]!['id'])} by ${mapping.target} = ${JSON.stringify(value)}`, details: { linked: false, matchedBy: mapping.target, attempts } };
  }
  if (attempts.every((a) => a['value'] === null)) return { name, status: 'failure', description: 'No value for any matching attribute', details: { linked: false, attempts } };
  return { name, status: 'success', description: 'No target object matched: it will be created', details: { linked: false, attempts } };
}

const ACTION_NAMES: Record<ObjectOutcome['action'], string> = { create: 'Create', update: 'Update', link: 'Link', disable: 'Disable', delete: 'Delete', skip: 'Skip', unchanged: 'None' };

function actionStep(outcome: ObjectOutcome | undefined, exchanges: readonly HttpExchange[], base: string, cycleError: string | undefined): ProvisionStep {
  const requests = exchanges.map((e) => shownExchange(e, base));
  if (outcome === undefined) {
    return { name: 'Perform action', status: 'failure', description: cycleError ?? 'the object was not processed', details: { requests } };
  }
  const action = ACTION_NAMES[outcome.action];
  const status: StepStatus = outcome.status === 'failure' ? 'failure' : outcome.status === 'skipped' ? 'skipped' : 'success';
  const written = requests.filter((r) => !r.request.startsWith('GET '));
  const last = written.at(-1);
  const description =
    status === 'failure'
      ? `${action} failed: ${outcome.reason ?? 'unknown error'}`
      : status === 'skipped'
        ? `Skipped: ${outcome.reason ?? 'nothing to do'}`
        : outcome.action === 'unchanged'
          ? 'Nothing to change: the target already has the mapped values'
          : `${action}${outcome.targetId ? ` target object ${outcome.targetId}` : ''}${last && 'status' in last ? ` (${last.request} → ${String(last.status)})` : ''}`;
  return {
    name: 'Perform action',
    status,
    description,
    details: { action, targetId: outcome.targetId ?? null, ...(outcome.errorCode ? { errorCode: outcome.errorCode } : {}), modified: outcome.modified ?? [], requests },
  };
}

/** Runs provision on demand for `request`; never throws for target or source problems (they become failed steps). */
export async function provisionOnDemand(job: SyncJob, deps: ProvisionDeps, request: { readonly user: string } | { readonly group: string }): Promise<ProvisionReport> {
  const { config } = job;
  const now = deps.clock ?? (() => new Date());
  const runId = randomUUID();
  let exchanges: HttpExchange[] = [];
  const serial = { ...job, config: { ...config, target: { ...config.target, concurrency: 1 } } };
  const target = createScimTarget({ ...config.target, concurrency: 1, onExchange: (e) => exchanges.push(e) });
  const users = createSource(config.source, 'Users');
  const groups = config.groups === undefined ? undefined : createSource(config.groups.source, 'Groups');
  const writer = deps.logs === undefined ? undefined : createLogWriter({ store: deps.logs, job: config.name, runId, retentionDays: config.logs.retentionDays, clock: now });
  const objects: ProvisionedObject[] = [];
  let membersLeftOut: number | undefined;
  const done = (status?: StepStatus): ProvisionReport => ({ job: config.name, runId, request, status: status ?? worst(objects.map((o) => o.status)), objects, ...(membersLeftOut ? { membersLeftOut } : {}) });

  try {
    const connection = await target.testConnection();
    const connectionStep: ProvisionStep = connection.ok
      ? { name: 'Test connection', status: 'success', description: 'The target answered the test query', details: { detail: connection.detail } }
      : { name: 'Test connection', status: 'failure', description: connection.detail, details: { reason: connection.reason, ...(connection.status === undefined ? {} : { status: connection.status }), ...(connection.body === undefined ? {} : { response: excerpt(connection.body) }) } };
    if (!connection.ok) {
      writer?.add({ objectType: 'group' in request ? 'Group' : 'User', sourceKey: 'group' in request ? request.group : request.user, targetId: null, action: 'Other', status: 'Failure', reason: connection.detail, errorCode: connection.reason === 'bad-token' ? 'TARGET_AUTH' : 'TARGET_ENDPOINT', modified: [], steps: [connectionStep] });
      objects.push({ objectType: 'group' in request ? 'Group' : 'User', sourceKey: null, status: 'failure', steps: [connectionStep] });
      return done('failure');
    }

    const one = async (type: SyncObjectType, object: SourceObject, importStep: ProvisionStep, only: { User?: ReadonlySet<string>; Group?: ReadonlySet<string> }) => {
      const section = type === 'User' ? config.users : config.groups!;
      const steps: ProvisionStep[] = [connectionStep, importStep, scopeStep(object, section, type === 'User' ? 'user' : 'group')];
      exchanges = [];
      steps.push(await matchStep(job, type, object, target, deps.state, now));
      exchanges = [];
      let outcome: ObjectOutcome | undefined;
      const summary = await runCycle(serial, {
        state: deps.state,
        target,
        users,
        ...(type === 'Group' && groups !== undefined ? { groups } : {}),
        clock: now,
        runId,
        only,
        onOutcome: (o) => {
          if (o.objectType === type && o.sourceKey === object.key) outcome = o;
          writer?.record(o);
        },
      });
      steps.push(actionStep(outcome, exchanges, target.http.baseUrl, summary.error));
      objects.push({ objectType: type, sourceKey: object.key, status: steps.at(-1)!.status === 'failure' || steps.some((s) => s.status === 'failure') ? 'failure' : steps.at(-1)!.status, steps });
    };

    const importFailure = (type: SyncObjectType, description: string): ProvisionReport => {
      objects.push({ objectType: type, sourceKey: null, status: 'failure', steps: [connectionStep, { name: `Import ${type === 'User' ? 'user' : 'group'}`, status: 'failure', description, details: {} }] });
      return done('failure');
    };
    const imported = (type: SyncObjectType, object: SourceObject): ProvisionStep => ({
      name: `Import ${type === 'User' ? 'user' : 'group'}`,
      status: 'success',
      description: `Read source object ${object.key} (${Object.keys(object.attributes).length} attributes)`,
      details: { sourceKey: object.key, attributes: object.attributes, softDeleted: object.softDeleted, ...(object.members ? { members: object.members } : {}) },
    });

    let userSnapshot: SourceSnapshot;
    try {
      userSnapshot = await users.read(undefined);
    } catch (error) {
      return importFailure('User', `reading the user source failed: ${(error as Error).message}`);
    }

    if ('user' in request) {
      const object = findSourceObject(userSnapshot, config.users, request.user, 'userName', now);
      if (object === undefined) return importFailure('User', `no source user has the key or userName "${request.user}"`);
      await one('User', object, imported('User', object), { User: new Set([object.key]) });
      return done();
    }

    if (config.groups === undefined || groups === undefined || !config.groups.enabled) return importFailure('Group', 'the job has no group source (or groups are switched off)');
    let groupSnapshot: SourceSnapshot;
    try {
      groupSnapshot = await groups.read(undefined);
    } catch (error) {
      return importFailure('Group', `reading the group source failed: ${(error as Error).message}`);
    }
    const group = findSourceObject(groupSnapshot, config.groups, request.group, 'displayName', now);
    if (group === undefined) return importFailure('Group', `no source group has the key or displayName "${request.group}"`);
    const memberKeys = [...new Set((group.members ?? []).map((ref) => userSnapshot.keyOf?.(ref) ?? ref))];
    const chosen = memberKeys.slice(0, ON_DEMAND_MEMBER_LIMIT);
    membersLeftOut = memberKeys.length - chosen.length;
    for (const key of chosen) {
      const member = userSnapshot.objects.find((o) => o.key === key);
      if (member === undefined) {
        objects.push({ objectType: 'User', sourceKey: key, status: 'failure', steps: [connectionStep, { name: 'Import user', status: 'failure', description: `member ${key} is not in the user source`, details: {} }] });
        continue;
      }
      await one('User', member, imported('User', member), { User: new Set([member.key]) });
    }
    await one('Group', group, imported('Group', group), { Group: new Set([group.key]) });
    return done();
  } catch (error) {
    if (error instanceof TargetError) {
      objects.push({ objectType: 'group' in request ? 'Group' : 'User', sourceKey: null, status: 'failure', steps: [{ name: 'Perform action', status: 'failure', description: error.message, details: {} }] });
      return done('failure');
    }
    throw error;
  } finally {
    await writer?.finish().catch(() => undefined);
    target.http.close();
    await users.close();
    await groups?.close();
  }
}
