/**
 * One provisioning cycle (Entra's model): users first, then groups. For each source object read:
 * scope → (linked? update : match by precedence → link, or create) → write only what changed;
 * objects that left scope, were soft-deleted or disappeared from the source are deactivated
 * (`active: false`), and deleted only when the job allows it. Links, last exported values and the
 * watermark live in the store under the job's name; the watermark moves only when a type
 * finished, so an interrupted cycle is simply repeated. A crash between a POST and saving its
 * link leaves no duplicate: the next cycle finds the object by its matching attribute first.
 */
import { randomUUID } from 'node:crypto';
import type { SyncObjectType, SyncStateStore } from '../store/sync-state.ts';
import type { SyncJob } from './config.ts';
import { createCycleContext, type CycleContext } from './cycle/context.ts';
import { CycleAbort, DeletionsHeld, prepareRun, syncType } from './cycle/sync-type.ts';
import type { CycleSummary, Recorder } from './outcome.ts';
import { SourceError, type Source } from './sources/types.ts';
import type { HttpStats } from './target/http-client.ts';
import type { ScimTarget } from './target/scim-target.ts';

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

/** Runs one cycle of `job`; resolves with its summary (job-level failures included, as `failed`). */
export async function runCycle(job: SyncJob, deps: CycleDeps): Promise<CycleSummary> {
  const { config, fingerprint } = job;
  const clock = deps.clock ?? (() => new Date());
  const dryRun = deps.dryRun ?? false;
  const started = clock().getTime();
  const runId = deps.runId ?? randomUUID();
  const stats0 = { ...deps.target.http.stats };
  const usersWatermark = await deps.state.watermark(config.name, 'User');
  const kind = deps.initial || usersWatermark === undefined || usersWatermark.fingerprint !== fingerprint ? 'initial' : 'incremental';
  const cycle = createCycleContext(deps, { config, fingerprint, clock, dryRun, runId, kind });
  const history = !dryRun && deps.only === undefined;
  if (history) await deps.state.startRun({ job: config.name, id: runId, kind });
  let error: string | undefined;
  let held: DeletionsHeld | undefined;
  let counts = { users: 0, groups: 0 };
  try {
    cycle.userRun = await prepareRun(cycle, 'User', config.users);
    await syncType(cycle, cycle.userRun, deps.users);
    counts = { ...counts, users: cycle.userRun.snapshot?.objects.length ?? 0 };
    if (!cycle.stopped() && config.groups !== undefined && config.groups.enabled && deps.groups !== undefined && (deps.only === undefined || deps.only.Group !== undefined)) {
      const groupRun = await prepareRun(cycle, 'Group', config.groups);
      await syncType(cycle, groupRun, deps.groups);
      counts = { ...counts, groups: groupRun.snapshot?.objects.length ?? 0 };
    }
  } catch (failure) {
    if (failure instanceof DeletionsHeld) held = failure;
    else if (!(failure instanceof CycleAbort) && !(failure instanceof SourceError)) throw failure;
    else cycle.fatalCode ??= 'SOURCE';
    error = failure.message;
  } finally {
    await cycle.flush(true).catch(() => undefined);
  }
  const summary = summarize(cycle, { started, stats0, counts, error: error ?? cycle.fatal, held });
  if (history) await deps.state.finishRun(config.name, runId, { status: summary.status, summary, error: summary.error ?? null });
  return summary;
}

/** The cycle's summary: its status, the outcome counters and the requests it sent to the target. */
function summarize(
  cycle: CycleContext,
  end: { readonly started: number; readonly stats0: HttpStats; readonly counts: { users: number; groups: number }; readonly error: string | undefined; readonly held: DeletionsHeld | undefined },
): CycleSummary {
  const { error, held, stats0 } = end;
  const status = held !== undefined ? 'blocked' : error !== undefined ? 'failed' : cycle.deps.signal?.aborted ? 'interrupted' : 'succeeded';
  const stats = cycle.deps.target.http.stats;
  return {
    job: cycle.config.name,
    runId: cycle.runId,
    kind: cycle.kind,
    status,
    dryRun: cycle.dryRun,
    ...cycle.tally.counts,
    requests: stats.requests - stats0.requests,
    retries: stats.retries - stats0.retries,
    throttled: stats.throttled - stats0.throttled,
    ...end.counts,
    durationMs: cycle.clock().getTime() - end.started,
    ...(error === undefined ? {} : { error }),
    ...(error === undefined || cycle.fatalCode === undefined || held !== undefined ? {} : { errorCode: cycle.fatalCode }),
    ...(held === undefined ? {} : { heldDeletions: { objectType: held.objectType, count: held.count, threshold: held.threshold } }),
  };
}
