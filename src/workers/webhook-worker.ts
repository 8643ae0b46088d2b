/**
 * The webhook delivery worker: every round it turns new events into deliveries (fan-out), leases
 * due deliveries and sends them in parallel, then finishes each. Leases keep several instances
 * from sending the same delivery (FOR UPDATE SKIP LOCKED on PostgreSQL); a delivery whose worker
 * died (kill -9) is leased again once its lease expires, so nothing acknowledged is lost — it may
 * arrive twice, which is why receivers deduplicate on `webhook-id`. Rounds run back to back while
 * there is work and every `intervalMs` when idle; `nudge()` starts one early. Up to `batchSize`
 * deliveries are in flight at once.
 */
import type { WebhookDeliverer } from '../services/webhook-delivery.ts';
import type { Store } from '../store/store.ts';
import { defaultWorkerId } from './key-reminder-worker.ts';

export interface WebhookWorkerOptions {
  readonly store: Store;
  readonly deliverer: WebhookDeliverer;
  /** Milliseconds between rounds when idle (250 ms by default). */
  readonly intervalMs?: number;
  /** Deliveries leased and sent in parallel per round (16 by default). */
  readonly batchSize?: number;
  /** How long a lease lasts; it must cover one request with its timeout (60 s by default). */
  readonly leaseMs?: number;
  readonly workerId?: string;
  /** A round failed (e.g. the database was unreachable); the next one tries again. */
  readonly onRunError?: (error: unknown) => void;
  /** Told of every attempt's outcome. */
  readonly onAttempt?: (deliveryId: string, outcome: string) => void;
}

/** What one round did. */
export interface WebhookRound {
  readonly fannedOut: number;
  readonly attempted: number;
}

/** Creates the worker; `start()` runs it until `stop()`, or call `runOnce()` directly. */
export function createWebhookWorker(options: WebhookWorkerOptions) {
  const { store, deliverer } = options;
  const interval = options.intervalMs ?? 250;
  const batchSize = options.batchSize ?? 16;
  const leaseMs = options.leaseMs ?? 60_000;
  const workerId = options.workerId ?? defaultWorkerId();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> | undefined;
  let stopped = true;
  // Deliveries in flight: a slow endpoint holds one slot, not the whole worker.
  const inFlight = new Set<Promise<void>>();

  /** Fans out, leases as many deliveries as there are free slots, and starts sending them. */
  async function round(): Promise<{ readonly fannedOut: number; readonly started: readonly Promise<void>[] }> {
    const fannedOut = await store.webhooks.fanOut(500);
    const free = batchSize - inFlight.size;
    if (free <= 0) return { fannedOut, started: [] };
    const leased = await store.webhooks.lease(workerId, { limit: free, leaseMs });
    const started = leased.map((item) => {
      const sending: Promise<void> = deliverer
        .deliver(item, workerId)
        .then((outcome) => options.onAttempt?.(item.delivery.id, outcome))
        .catch((error: unknown) => options.onRunError?.(error))
        .finally(() => {
          inFlight.delete(sending);
          // Freed slots (and possibly unblocked later events of the same resources): look again
          // once half the slots are free, so one lease query serves several deliveries.
          if (!stopped && running === undefined && inFlight.size <= batchSize / 2) {
            if (timer) clearTimeout(timer);
            schedule(0);
          }
        });
      inFlight.add(sending);
      return sending;
    });
    return { fannedOut, started };
  }

  /** One round that waits for the deliveries it started (tests and the CLI use it). */
  async function runOnce(): Promise<WebhookRound> {
    const { fannedOut, started } = await round();
    await Promise.all(started);
    return { fannedOut, attempted: started.length };
  }

  function schedule(delay: number): void {
    if (stopped) return;
    timer = setTimeout(tick, delay);
    timer.unref();
  }

  function tick(): void {
    timer = undefined;
    running = round()
      .then((r) => r.started.length > 0 || r.fannedOut > 0)
      .catch((error: unknown) => {
        options.onRunError?.(error);
        return false;
      })
      .then((busy) => {
        running = undefined;
        schedule(busy && inFlight.size < batchSize ? 0 : interval);
      });
  }

  return {
    workerId,
    runOnce,
    start(): void {
      if (!stopped) return;
      stopped = false;
      tick();
    },
    /** Runs a round soon instead of after the idle interval. */
    nudge(): void {
      if (stopped || running !== undefined || timer === undefined) return;
      clearTimeout(timer);
      schedule(0);
    },
    /** Stops scheduling rounds and waits for the round and the deliveries in progress. */
    async stop(): Promise<void> {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
      await Promise.all([...inFlight]);
    },
  };
}

export type WebhookWorker = ReturnType<typeof createWebhookWorker>;
