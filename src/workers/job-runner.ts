/**
 * Runs leased jobs (DESIGN.md §5): lease a batch of due jobs of some kinds, handle each, then
 * complete it or record the failure with a retry time. The lease is what keeps several scimd
 * instances from handling the same job; a job whose worker died is leased again once its lease
 * expires. A job only completes after its handler returned, so work is never lost — a crash
 * between the side effect and `complete` can repeat it once, which is the price of not losing it.
 */
import type { JobRecord } from '../store/records.ts';
import type { Store } from '../store/store.ts';

export interface JobRunnerOptions {
  readonly store: Store;
  readonly kinds: readonly string[];
  /** This worker's name in `leased_by` (unique per process). */
  readonly workerId: string;
  readonly handle: (job: JobRecord) => Promise<void>;
  readonly clock?: () => Date;
  /** How long a job is leased (5 minutes by default); it must cover one handler run. */
  readonly leaseMs?: number;
  /** Jobs leased per round (10 by default). */
  readonly batchSize?: number;
  /** Told about every failed handler run. */
  readonly onFailure?: (job: JobRecord, error: unknown) => void;
}

/** What one `runDue` did. */
export interface JobRunResult {
  readonly completed: number;
  readonly failed: number;
}

/** Retry delay after the n-th failed attempt: 1, 5, 30 minutes, then 2 hours. */
export function retryDelayMs(attempts: number): number {
  const minutes = [1, 5, 30, 120][Math.min(Math.max(attempts, 1), 4) - 1] ?? 120;
  return minutes * 60_000;
}

/** Creates a runner for the jobs of `options.kinds`. */
export function createJobRunner(options: JobRunnerOptions) {
  const { store, workerId } = options;
  const clock = options.clock ?? (() => new Date());
  const leaseMs = options.leaseMs ?? 5 * 60_000;
  const batchSize = options.batchSize ?? 10;

  async function runOne(job: JobRecord): Promise<boolean> {
    try {
      await options.handle(job);
    } catch (error) {
      options.onFailure?.(job, error);
      const retryAt = new Date(clock().getTime() + retryDelayMs(job.attempts)).toISOString();
      await store.jobs.fail(job.id, workerId, error instanceof Error ? error.message : String(error), retryAt);
      return false;
    }
    await store.jobs.complete(job.id, workerId);
    return true;
  }

  return {
    /** Leases and runs due jobs until none are left or `maxRounds` batches ran. */
    async runDue(maxRounds = 100): Promise<JobRunResult> {
      let completed = 0;
      let failed = 0;
      for (let round = 0; round < maxRounds; round += 1) {
        const jobs = await store.jobs.lease(workerId, { kinds: options.kinds, limit: batchSize, leaseMs });
        for (const job of jobs) {
          if (await runOne(job)) completed += 1;
          else failed += 1;
        }
        if (jobs.length < batchSize) break;
      }
      return { completed, failed };
    },
  };
}
