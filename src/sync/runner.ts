/**
 * A sync job made runnable: its target client and sources built from the configuration, one
 * cycle at a time or on the schedule (initial, then incremental cycles every interval until the
 * signal aborts). The CLI and the server's worker both use it, over the same state store.
 */
import { randomUUID } from 'node:crypto';
import type { SyncLogStore, SyncStateStore } from '../store/sync-state.ts';
import type { SyncJob } from './config.ts';
import { runCycle, type CycleDeps } from './engine.ts';
import { createLogWriter } from './logs.ts';
import type { CycleSummary, ObjectOutcome } from './outcome.ts';
import { createSource } from './sources/index.ts';
import { createScimTarget } from './target/scim-target.ts';

export interface RunnerDeps {
  readonly state: SyncStateStore;
  /** Where provisioning logs go (none are written without it, nor on dry runs). */
  readonly logs?: SyncLogStore;
  readonly clock?: () => Date;
  /** Told when a cycle stopped at the deletion threshold (the CLI prints it, the server mails it). */
  readonly onBlocked?: (summary: CycleSummary) => Promise<void> | void;
  /** How waits are made (Retry-After, backoff, the schedule); tests pass a fake. */
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export type CycleOptions = Pick<CycleDeps, 'onOutcome' | 'onProgress' | 'signal' | 'dryRun' | 'initial'>;

/** Waits `ms`, resolving early when `signal` aborts. */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** Builds the runner for `job`. */
export function createSyncRunner(job: SyncJob, deps: RunnerDeps) {
  const { config } = job;
  const sleep = deps.sleep ?? abortableSleep;
  const target = createScimTarget({
    url: config.target.url,
    token: config.target.token,
    profile: config.target.profile,
    concurrency: config.target.concurrency,
    timeoutMs: config.target.timeoutMs,
    retries: config.target.retries,
    sleep: (ms) => sleep(ms),
  });
  const users = createSource(config.source, 'Users');
  const groups = config.groups === undefined ? undefined : createSource(config.groups.source, 'Groups');

  const cycle = async (options: CycleOptions = {}): Promise<CycleSummary> => {
    const runId = randomUUID();
    const clock = deps.clock === undefined ? {} : { clock: deps.clock };
    const writer =
      deps.logs === undefined || options.dryRun === true ? undefined : createLogWriter({ store: deps.logs, job: config.name, runId, retentionDays: config.logs.retentionDays, ...clock });
    const onOutcome = (outcome: ObjectOutcome) => {
      writer?.record(outcome);
      options.onOutcome?.(outcome);
    };
    const approved = options.dryRun !== true && (await deps.state.deletionApproval(config.name)) !== undefined;
    const summary = await runCycle(job, { state: deps.state, target, users, ...(groups === undefined ? {} : { groups }), ...clock, ...options, runId, onOutcome, deletionsApproved: approved });
    const held = summary.heldDeletions;
    if (held !== undefined) {
      writer?.add({ objectType: held.objectType, sourceKey: '*', targetId: null, action: 'Other', status: 'Warning', reason: summary.error ?? 'deletion threshold exceeded', errorCode: 'DELETION_THRESHOLD', modified: [] });
    }
    // An approval is spent by the first cycle that completes after it.
    if (approved && summary.status === 'succeeded') await deps.state.clearDeletionApproval(config.name);
    await writer?.finish();
    if (held !== undefined) await deps.onBlocked?.(summary);
    return summary;
  };

  return {
    job,
    target,
    cycle,
    testConnection: () => target.testConnection(),
    /** Runs cycles every `schedule.intervalMinutes` until `signal` aborts; `onCycle` sees each summary. */
    async schedule(options: CycleOptions & { readonly onCycle: (summary: CycleSummary) => void }): Promise<void> {
      const intervalMs = config.schedule.intervalMinutes * 60_000;
      while (!options.signal?.aborted) {
        options.onCycle(await cycle(options));
        await sleep(intervalMs, options.signal);
      }
    },
    async close(): Promise<void> {
      target.http.close();
      await users.close();
      await groups?.close();
    },
  };
}

export type SyncRunner = ReturnType<typeof createSyncRunner>;
