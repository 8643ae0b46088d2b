/**
 * A task run now and then every `intervalMs` on an unref'd timer (it never keeps the process
 * alive); `stop()` cancels the timer and waits for a run in progress. A run's failure goes to
 * `onError` and the schedule carries on.
 */
export interface PeriodicTask {
  start(): void;
  stop(): Promise<void>;
}

export interface PeriodicOptions {
  readonly intervalMs: number;
  /** Run once at `start()` as well (default true). */
  readonly runAtStart?: boolean;
  readonly onError: (error: unknown) => void;
}

/** Creates a periodic task around `run`. */
export function createPeriodicTask(run: () => Promise<void>, options: PeriodicOptions): PeriodicTask {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  const tick = () => {
    if (running) return;
    running = run()
      .catch((error: unknown) => options.onError(error))
      .finally(() => {
        running = undefined;
      });
  };
  return {
    start() {
      if (timer) return;
      if (options.runAtStart ?? true) tick();
      timer = setInterval(tick, options.intervalMs);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      await running;
    },
  };
}
