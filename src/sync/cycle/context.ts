/**
 * What one provisioning cycle shares between its passes: the job and its dependencies, the links
 * waiting to be saved, the recorder every outcome goes through, and the first job-level failure,
 * which stops the cycle. Plus the small helpers every pass uses on source objects and errors.
 */
import { createHash } from 'node:crypto';
import type { NewSyncLink, SyncLinkRecord, SyncObjectType } from '../../store/sync-state.ts';
import type { ObjectConfig, SyncConfig } from '../config-schema.ts';
import type { CycleDeps } from '../engine.ts';
import { desiredValues, type CompiledMapping } from '../mapping.ts';
import { createTally, type CycleSummary, type ObjectOutcome } from '../outcome.ts';
import { finishSteps, type StepTrace } from '../steps.ts';
import type { SourceObject, SourceSnapshot } from '../sources/types.ts';
import { TargetError, type ResourceKind } from '../target/scim-target.ts';

/** One object type's pass: its compiled mappings, its links by source key and, once read, its snapshot. */
export interface TypeRun {
  readonly type: SyncObjectType;
  readonly kind: ResourceKind;
  readonly section: ObjectConfig;
  readonly mappings: readonly CompiledMapping[];
  readonly matching: readonly CompiledMapping[];
  readonly links: Map<string, SyncLinkRecord>;
  readonly hasActiveMapping: boolean;
  snapshot?: SourceSnapshot;
}

export interface CycleContext {
  readonly config: SyncConfig;
  readonly fingerprint: string;
  readonly deps: CycleDeps;
  readonly clock: () => Date;
  readonly dryRun: boolean;
  readonly runId: string;
  readonly kind: 'initial' | 'incremental';
  readonly tally: ReturnType<typeof createTally>;
  /** The user pass, once prepared: group members resolve through its links. */
  userRun?: TypeRun;
  /** The first job-level failure (the target refused the token or is not a SCIM endpoint). */
  fatal?: string;
  fatalCode?: CycleSummary['errorCode'];
  /** True once a job-level failure happened or the cycle was aborted: take no new objects. */
  readonly stopped: () => boolean;
  /** Counts and reports an outcome; with the object's trace, the outcome carries its steps. */
  readonly record: (outcome: ObjectOutcome, trace?: StepTrace) => void;
  /** Keeps a written link (a success ends the object's escrow) and saves links in batches of 200. */
  readonly save: (run: TypeRun, written: NewSyncLink) => Promise<void>;
  /** Saves the pending links when 200 are waiting, or now with `force`; never in a dry run. */
  readonly flush: (force?: boolean) => Promise<void>;
  /** The link of a source object never written to the target. */
  readonly baseLink: (run: TypeRun, key: string) => NewSyncLink;
  /** Takes a target's auth or endpoint failure as the cycle's job-level failure (true); false for any other error. */
  readonly stopOnJobFailure: (error: unknown) => boolean;
}

/** What a cycle is given: the job's configuration and fingerprint, and what `runCycle` decided. */
export type CycleSettings = Pick<CycleContext, 'config' | 'fingerprint' | 'clock' | 'dryRun' | 'runId' | 'kind'>;

/** The context of one cycle (`kind` is decided by the caller, from the user watermark). */
export function createCycleContext(deps: CycleDeps, settings: CycleSettings): CycleContext {
  const { config, dryRun } = settings;
  const tally = createTally();
  const pending: NewSyncLink[] = [];
  const flush = async (force = false): Promise<void> => {
    if (dryRun || (pending.length < 200 && !force) || pending.length === 0) return;
    await deps.state.saveLinks(pending.splice(0, pending.length));
  };
  const cycle: CycleContext = {
    ...settings,
    deps,
    tally,
    stopped: () => cycle.fatal !== undefined || (deps.signal?.aborted ?? false),
    record: (outcome, trace) => {
      const traced = trace === undefined ? outcome : { ...outcome, steps: finishSteps(trace, outcome) };
      const final = dryRun && traced.status === 'success' && traced.action !== 'unchanged' ? { ...traced, dryRun: true } : traced;
      tally.add(final);
      deps.onOutcome?.(final);
    },
    save: async (run, written) => {
      // A success ends the object's escrow.
      const link = written.lastError === null ? { ...written, failures: 0, retryAt: null } : written;
      run.links.set(link.sourceKey, { ...link, updatedAt: '' });
      pending.push(link);
      await flush();
    },
    flush,
    baseLink: (run, key) => ({
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
    }),
    stopOnJobFailure: (error) => {
      if (!(error instanceof TargetError && (error.kind === 'auth' || error.kind === 'endpoint'))) return false;
      cycle.fatal ??= error.message;
      cycle.fatalCode ??= error.kind === 'auth' ? 'TARGET_AUTH' : 'TARGET_ENDPOINT';
      return true;
    },
  };
  return cycle;
}

/** The values the mappings give `object` for `phase`; users without an `active` mapping follow the soft delete. */
export function desired(cycle: CycleContext, run: TypeRun, object: SourceObject, phase: 'create' | 'update'): Map<string, unknown> {
  const values = desiredValues(run.mappings, object, phase, { now: cycle.clock });
  if (run.type === 'User' && !run.hasActiveMapping) values.set('active', !object.softDeleted);
  return values;
}

export const hashOf = (object: SourceObject) =>
  createHash('sha1').update(JSON.stringify([object.attributes, object.softDeleted, object.members ?? null])).digest('base64');

export const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** A stable code for a failed object's error: the target's HTTP status, or what kind of failure it was. */
export const errorCodeOf = (error: unknown) =>
  error instanceof TargetError ? (error.status !== undefined ? `SCIM_${error.status}` : `TARGET_${error.kind.toUpperCase()}`) : 'SYNC_ERROR';

/** Before → after of each written attribute (before taken from `previous`, absent when it is undefined). */
export const modifiedOf = (changes: ReadonlyMap<string, unknown>, previous?: (path: string) => unknown) =>
  [...changes].map(([name, after]) => {
    const before = previous?.(name);
    return before === undefined ? { name, after } : { name, before, after };
  });
