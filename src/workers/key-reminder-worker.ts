/**
 * The key-expiry reminder worker: every interval it runs the sweep that enqueues
 * due reminders, then leases and delivers them (src/services/key-reminders.ts explains why each
 * mail goes out exactly once). Runs never overlap; `stop()` waits for the current one to finish.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { KeyReminderService } from '../services/key-reminders.ts';
import { REMINDER_KINDS } from '../services/key-reminders.ts';
import type { JobRecord } from '../store/records.ts';
import type { Store } from '../store/store.ts';
import { createJobRunner, type JobRunResult } from './job-runner.ts';

/** The events the worker reports (the runtime turns them into log lines). */
export interface ReminderWorkerEvents {
  readonly onDelivered?: (job: JobRecord, outcome: string) => void;
  readonly onFailure?: (job: JobRecord, error: unknown) => void;
  /** A whole run failed (e.g. the database was unreachable); the next run tries again. */
  readonly onRunError?: (error: unknown) => void;
}

export interface ReminderWorkerOptions extends ReminderWorkerEvents {
  readonly store: Store;
  readonly reminders: KeyReminderService;
  /** Milliseconds between runs (60 s by default). */
  readonly intervalMs?: number;
  readonly clock?: () => Date;
  /** Defaults to `<hostname>:<pid>:<random>`. */
  readonly workerId?: string;
  readonly leaseMs?: number;
}

/** What one run did. */
export interface ReminderRunResult extends JobRunResult {
  readonly scheduled: number;
}

/** A unique worker name for this process. */
export function defaultWorkerId(): string {
  return `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
}

/** Creates the worker; call `start()` to run it every interval, or `runOnce()` directly. */
export function createReminderWorker(options: ReminderWorkerOptions) {
  const interval = options.intervalMs ?? 60_000;
  const runner = createJobRunner({
    store: options.store,
    kinds: REMINDER_KINDS,
    workerId: options.workerId ?? defaultWorkerId(),
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.leaseMs ? { leaseMs: options.leaseMs } : {}),
    ...(options.onFailure ? { onFailure: options.onFailure } : {}),
    async handle(job) {
      const result = await options.reminders.deliver(job);
      options.onDelivered?.(job, result.status === 'mailed' ? result.mail.status : `obsolete: ${result.reason}`);
    },
  });
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> | undefined;
  let stopped = true;

  async function runOnce(): Promise<ReminderRunResult> {
    const scheduled = await options.reminders.schedule();
    const result = await runner.runDue();
    return { scheduled: scheduled.expiring + scheduled.expired, ...result };
  }

  function tick(): void {
    running = runOnce()
      .catch((error: unknown) => options.onRunError?.(error))
      .finally(() => {
        running = undefined;
        if (!stopped) timer = setTimeout(tick, interval).unref();
      });
  }

  return {
    runOnce,
    /** Runs now and then every interval until `stop()`. */
    start(): void {
      if (!stopped) return;
      stopped = false;
      tick();
    },
    /** Stops scheduling runs and waits for the one in progress. */
    async stop(): Promise<void> {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}

export type ReminderWorker = ReturnType<typeof createReminderWorker>;
