/**
 * Runs the sync jobs stored in scimd (`scimd sync job put`) on their schedule, inside `scimd
 * serve`. Every interval the worker turns each due job into one leased job row (kind `sync.cycle`,
 * deduplicated by job name and due time, so several instances enqueue it once), then leases and
 * runs such rows: one cycle with the same state the CLI uses, after which the job's next run is
 * set to now + its interval. The lease keeps a second instance from running the same cycle.
 */
import type { JobRecord } from '../store/records.ts';
import type { Store } from '../store/store.ts';
import { parseSyncConfig } from '../sync/config.ts';
import type { CycleSummary } from '../sync/outcome.ts';
import { createSyncRunner, type SyncNotify } from '../sync/runner.ts';
import { createJobRunner, type JobRunResult } from './job-runner.ts';
import { defaultWorkerId } from './key-reminder-worker.ts';

export const SYNC_JOB_KIND = 'sync.cycle';

/** What a stored job's `config` column holds: the file's text and where it came from (for relative paths). */
export interface StoredSyncConfig {
  readonly text: string;
  readonly path: string;
}

export interface SyncWorkerOptions {
  readonly store: Store;
  /** Resolves `env:` secrets in stored configurations. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Milliseconds between looks for due jobs (60 s by default). */
  readonly intervalMs?: number;
  readonly clock?: () => Date;
  readonly workerId?: string;
  /** How long a cycle may run before another instance may take it over (1 hour by default). */
  readonly leaseMs?: number;
  readonly onCycle?: (summary: CycleSummary) => void;
  /** Told of every cycle of the organization's job that stopped at the deletion threshold (the runtime logs it). */
  readonly onBlocked?: (orgId: string, summary: CycleSummary) => Promise<void>;
  /** Quarantine notices, failure and hold mails for the organization's job (the runtime mails them; the runner limits them). */
  readonly notify?: (orgId: string) => SyncNotify;
  readonly onFailure?: (job: JobRecord, error: unknown) => void;
  readonly onRunError?: (error: unknown) => void;
}

/** Creates the worker; `start()` runs it every interval, `runOnce()` runs one round. */
export function createSyncWorker(options: SyncWorkerOptions) {
  const { store } = options;
  const clock = options.clock ?? (() => new Date());
  const interval = options.intervalMs ?? 60_000;
  const controller = new AbortController();
  /** The cycles running in this instance, by job name: restart interrupts its job's cycle first. */
  const cycles = new Map<string, { readonly controller: AbortController; readonly done: Promise<void> }>();
  const runner = createJobRunner({
    store,
    kinds: [SYNC_JOB_KIND],
    workerId: options.workerId ?? defaultWorkerId(),
    clock,
    leaseMs: options.leaseMs ?? 60 * 60_000,
    batchSize: 1,
    ...(options.onFailure ? { onFailure: options.onFailure } : {}),
    async handle(row) {
      const name = (row.payload as { name?: string } | null)?.name ?? '';
      const stored = await store.syncState.getJob(name);
      if (stored === undefined || !stored.enabled) return;
      let nextRunAt: string | null | undefined;
      // This cycle's own signal: aborted when the worker stops, or when its job is restarted.
      const cycle = new AbortController();
      const onStop = () => cycle.abort();
      controller.signal.addEventListener('abort', onStop);
      let finished!: () => void;
      cycles.set(name, { controller: cycle, done: new Promise<void>((resolve) => (finished = resolve)) });
      try {
        const { text, path } = stored.config as StoredSyncConfig;
        const sync = createSyncRunner(parseSyncConfig(text, path, options.env), {
          state: store.syncState,
          logs: store.syncLogs,
          clock,
          intervalMinutes: stored.intervalMinutes,
          ...(options.onBlocked === undefined ? {} : { onBlocked: (summary: CycleSummary) => options.onBlocked!(stored.orgId, summary) }),
          ...(options.notify === undefined ? {} : { notify: options.notify(stored.orgId) }),
        });
        try {
          options.onCycle?.(await sync.cycle({ signal: cycle.signal }));
          nextRunAt = sync.health()?.health.nextRunAt;
        } finally {
          await sync.close();
        }
      } finally {
        // Due again when the job's health says (one interval later, slower in quarantine),
        // whether this cycle worked or not (its run history says which); an interrupted cycle
        // (shutdown) is due at once, so the next start resumes it. A job started or restarted while
        // this cycle ran (its next run moved meanwhile) keeps the time it was given.
        try {
          const delay = cycle.signal.aborted ? 0 : stored.intervalMinutes * 60_000;
          const now = await store.syncState.getJob(name);
          if (now !== undefined && now.nextRunAt === stored.nextRunAt) {
            await store.syncState.setNextRun(name, !cycle.signal.aborted && nextRunAt != null ? nextRunAt : new Date(clock().getTime() + delay).toISOString());
          }
        } finally {
          controller.signal.removeEventListener('abort', onStop);
          cycles.delete(name);
          finished();
        }
      }
    },
  });
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> | undefined;
  let stopped = true;
  /** A wake-up came while a round was running: look again as soon as it ends. */
  let wokenWhileRunning = false;

  async function runOnce(): Promise<JobRunResult & { readonly enqueued: number }> {
    let enqueued = 0;
    for (const job of await store.syncState.dueJobs(clock().toISOString(), 100)) {
      const row = await store.jobs.enqueue(job.orgId, { kind: SYNC_JOB_KIND, dedupeKey: `${job.name}@${job.nextRunAt}`, payload: { name: job.name }, maxAttempts: 1 });
      if (row !== undefined) enqueued += 1;
    }
    return { enqueued, ...(await runner.runDue()) };
  }

  function tick(): void {
    wokenWhileRunning = false;
    running = runOnce()
      .catch((error: unknown) => options.onRunError?.(error))
      .finally(() => {
        running = undefined;
        if (!stopped) timer = setTimeout(tick, wokenWhileRunning ? 0 : interval).unref();
      });
  }

  return {
    runOnce,
    start(): void {
      if (!stopped) return;
      stopped = false;
      tick();
    },
    /**
     * Looks for due jobs now instead of at the next interval (start and restart call it): at once
     * when the worker is idle, else as soon as the round in progress ends. Nothing when stopped.
     */
    wake(): void {
      if (stopped) return;
      if (running !== undefined) {
        wokenWhileRunning = true;
        return;
      }
      if (timer) clearTimeout(timer);
      tick();
    },
    /**
     * Stops the cycle of job `name` running in this instance, if any, and waits until it has
     * ended (after its objects in flight; at most `waitMs`). Restart calls it before clearing the
     * job's state, so that a cycle started before the restart cannot save its watermark after it.
     */
    async interrupt(name: string, waitMs = 30_000): Promise<void> {
      const current = cycles.get(name);
      if (current === undefined) return;
      current.controller.abort();
      let timeout: NodeJS.Timeout | undefined;
      await Promise.race([current.done, new Promise<void>((resolve) => (timeout = setTimeout(resolve, waitMs).unref()))]);
      clearTimeout(timeout);
    },
    /** Stops scheduling; a cycle in progress stops after its objects in flight (it resumes next time). */
    async stop(): Promise<void> {
      stopped = true;
      controller.abort();
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}

export type SyncWorker = ReturnType<typeof createSyncWorker>;
