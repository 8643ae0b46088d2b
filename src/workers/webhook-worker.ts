/**
 * The webhook delivery worker. Each round it leases the *ranges* of new events of the endpoints
 * that are behind (store `claimRanges`), sends them straight from the outbox and records each range
 * with a few multi-row statements in one transaction (`commitRange`) — so a delivered event costs
 * two inserted rows and no per-event lease or update. Deliveries that had to wait (retries, later
 * events of a resource whose earlier one failed) are leased one by one (`lease`) and finished
 * (`finish`); that query runs when such rows are known to exist, and at the idle interval anyway.
 *
 * Guarantees: two workers never hold one endpoint's range or one delivery (compare-and-set on the
 * endpoint row; FOR UPDATE SKIP LOCKED for deliveries). A worker that dies (kill -9) wrote nothing
 * for its range, so once the lease expires the range is read and sent again — at least once, which
 * is why receivers deduplicate on `webhook-id`. Per resource, events go out one after another: in a
 * range the events of one resource are sent in sequence (at most `chainLimit` of them, so that the
 * range ends well within its lease), the first failure leaves the rest waiting behind it, and a
 * resource with an unfinished delivery waits entirely. Up to `batchSize` requests are in flight.
 */
import type { WebhookDeliverer } from '../services/webhook-delivery.ts';
import type { OutboxEventRecord } from '../store/records.ts';
import type { RangeResult, Store, WebhookRange } from '../store/store.ts';
import { defaultWorkerId } from './key-reminder-worker.ts';

export interface WebhookWorkerOptions {
  readonly store: Store;
  readonly deliverer: Pick<WebhookDeliverer, 'attempt' | 'deliver' | 'recordRange'>;
  /** Milliseconds between rounds when idle (250 ms by default). */
  readonly intervalMs?: number;
  /** Requests in flight at once (16 by default). */
  readonly batchSize?: number;
  /** Events leased per endpoint range (256 by default). */
  readonly rangeLimit?: number;
  /**
   * After a range that was not full, the next round waits at least this long (25 ms by default;
   * longer after a large range, see `settleAfter`) so that
   * the events of the next few writes go out together: a range's fixed cost (two transactions)
   * is then shared, at the price of that much latency.
   */
  readonly settleMs?: number;
  /** Events of one resource sent one after another within a range (4 by default; see above). */
  readonly chainLimit?: number;
  /** How long a lease lasts; it must cover a range's requests with their timeouts (60 s by default). */
  readonly leaseMs?: number;
  readonly workerId?: string;
  /** A round failed (e.g. the database was unreachable); the next one tries again. */
  readonly onRunError?: (error: unknown) => void;
  /** Told of every attempt's outcome (`deliveryId` is the event id for events sent in a range). */
  readonly onAttempt?: (deliveryId: string, outcome: string) => void;
}

/** The longest wait after a range that was not full (see `settleAfter`). */
const MAX_SETTLE_MS = 100;

/** What one round did. */
export interface WebhookRound {
  /** Events read in ranges (sent or left waiting). */
  readonly fannedOut: number;
  /** Requests sent. */
  readonly attempted: number;
}

/** A counting semaphore: at most `size` requests at once across ranges and leased deliveries. */
function createSlots(size: number) {
  let used = 0;
  const waiting: (() => void)[] = [];
  return {
    get free() {
      return size - used;
    },
    async run<T>(fn: () => Promise<T>): Promise<T> {
      if (used >= size) await new Promise<void>((resolve) => waiting.push(resolve));
      else used += 1;
      try {
        return await fn();
      } finally {
        const next = waiting.shift();
        if (next) next();
        else used -= 1;
      }
    },
  };
}

/** Groups a range's events by resource, keeping sequence order within each. */
function byResource(events: readonly OutboxEventRecord[]): Map<string, OutboxEventRecord[]> {
  const groups = new Map<string, OutboxEventRecord[]>();
  for (const event of events) {
    const key = `${event.resourceType}/${event.resourceId ?? ''}`;
    const group = groups.get(key);
    if (group) group.push(event);
    else groups.set(key, [event]);
  }
  return groups;
}

/** Creates the worker; `start()` runs it until `stop()`, or call `runOnce()` directly. */
export function createWebhookWorker(options: WebhookWorkerOptions) {
  const { store, deliverer } = options;
  const interval = options.intervalMs ?? 250;
  const batchSize = options.batchSize ?? 16;
  const rangeLimit = options.rangeLimit ?? 256;
  const chainLimit = Math.max(1, options.chainLimit ?? 4);
  const leaseMs = options.leaseMs ?? 60_000;
  const settleMs = options.settleMs ?? 25;
  const workerId = options.workerId ?? defaultWorkerId();
  const slots = createSlots(batchSize);
  let timer: NodeJS.Timeout | undefined;
  // When the scheduled round runs (Date.now() milliseconds).
  let dueAt = 0;
  let running: Promise<unknown> | undefined;
  let stopped = true;
  // Work ended while a round ran: run the next one at once.
  let again = false;
  // Ranges and leased deliveries in progress.
  const inFlight = new Set<Promise<number>>();
  // Waiting rows are known to exist (made by this worker, or found last time): look every round.
  let waitingKnown = true;
  // The last scheduled round found no enabled endpoint anywhere: a nudge then changes nothing a
  // round could act on, so nudges are ignored and the idle poll looks again (see nudge()).
  let noEndpoints = false;
  let lastLease = 0;

  /** Sends one resource's events in order until one fails; the rest of them wait. */
  async function sendChain(range: WebhookRange, events: readonly OutboxEventRecord[], results: RangeResult[]): Promise<number> {
    let sent = 0;
    let blocked = range.blockedKeys.has(`${events[0]?.resourceType}/${events[0]?.resourceId ?? ''}`);
    for (const event of events) {
      if (blocked || sent >= chainLimit) {
        results.push({ event });
        continue;
      }
      const outcome = await slots.run(() => deliverer.attempt(range.endpoint, event, 1));
      sent += 1;
      options.onAttempt?.(event.id, outcome.next.kind);
      results.push({ event, outcome });
      if (outcome.next.kind !== 'delivered') blocked = true;
    }
    return sent;
  }

  async function sendRange(range: WebhookRange): Promise<number> {
    const results: RangeResult[] = [];
    // A heartbeat renews the lease while the range is sent (a slow endpoint can take longer than
    // one lease), so neither this worker nor another claims it again meanwhile; it stops with the
    // process, so after a kill -9 the lease expires as before.
    const heartbeat = setInterval(() => {
      store.webhooks.extendRange(workerId, range.endpoint.id, leaseMs).catch((error: unknown) => options.onRunError?.(error));
    }, Math.max(10, Math.floor(leaseMs / 3)));
    heartbeat.unref();
    let counts: number[];
    try {
      counts = await Promise.all([...byResource(range.events).values()].map((events) => sendChain(range, events, results)));
    } finally {
      clearInterval(heartbeat);
    }
    if (results.some((r) => r.outcome === undefined || r.outcome.next.kind === 'retry')) waitingKnown = true;
    await deliverer.recordRange(workerId, range, results);
    return counts.reduce((a, b) => a + b, 0);
  }

  /** Follows `work`; when it ends, the next round runs after `delay()` milliseconds. */
  function track(work: Promise<number>, delay: () => number = () => 0): Promise<number> {
    const tracked: Promise<number> = work
      .catch((error: unknown) => {
        options.onRunError?.(error);
        return 0;
      })
      .finally(() => {
        inFlight.delete(tracked);
        // A range ended (its endpoint may be behind again) or a slot freed: look again soon.
        if (stopped) return;
        if (running !== undefined) again = true;
        else {
          if (timer) clearTimeout(timer);
          schedule(Math.min(delay(), interval));
        }
      });
    inFlight.add(tracked);
    return tracked;
  }

  /**
   * How long the next round waits after `range`: not at all after a full range (a backlog), else
   * `settleMs`, stretched to 1 ms per event of the range up to `MAX_SETTLE_MS` — while writes are
   * busy, ranges are large and fewer of them (fewer write transactions, on SQLite fewer turns of
   * the single writer) carry the same events; at a few writes per second nothing changes.
   */
  function settleAfter(range: WebhookRange): number {
    if (range.through - range.endpoint.cursor >= rangeLimit) return 0;
    return Math.max(settleMs, Math.min(MAX_SETTLE_MS, range.events.length));
  }

  /** Claims ranges, leases waiting deliveries when due, and starts sending. */
  async function round(poll = false): Promise<{ readonly fannedOut: number; readonly started: readonly Promise<number>[] }> {
    const started: Promise<number>[] = [];
    const ranges = await store.webhooks.claimRanges(workerId, { limit: rangeLimit, leaseMs });
    if (poll) noEndpoints = ranges.length === 0 && inFlight.size === 0 && !(await store.webhooks.anyEnabled());
    for (const range of ranges) started.push(track(sendRange(range), () => settleAfter(range)));
    const fannedOut = ranges.reduce((n, r) => n + r.events.length, 0);
    const free = slots.free;
    if (free > 0 && (waitingKnown || Date.now() - lastLease >= interval)) {
      lastLease = Date.now();
      const leased = await store.webhooks.lease(workerId, { limit: free, leaseMs });
      waitingKnown = leased.length > 0;
      for (const item of leased) {
        started.push(
          track(
            slots.run(() => deliverer.deliver(item, workerId)).then((outcome) => {
              options.onAttempt?.(item.delivery.id, outcome);
              if (outcome === 'retry' || outcome === 'delivered') waitingKnown = true;
              return 1;
            }),
          ),
        );
      }
    }
    return { fannedOut, started };
  }

  /** One round that waits for the work it started (tests and the CLI use it). */
  async function runOnce(): Promise<WebhookRound> {
    const { fannedOut, started } = await round();
    const counts = await Promise.all(started);
    return { fannedOut, attempted: counts.reduce((a, b) => a + b, 0) };
  }

  function schedule(delay: number): void {
    if (stopped) return;
    dueAt = Date.now() + delay;
    // The idle poll (and only it) also checks whether any endpoint is enabled.
    const poll = delay === interval;
    timer = setTimeout(() => tick(poll), delay);
    timer.unref();
  }

  function tick(poll = true): void {
    timer = undefined;
    running = round(poll)
      .then((r) => r.started.length > 0)
      .catch((error: unknown) => {
        options.onRunError?.(error);
        return false;
      })
      .then((busy) => {
        running = undefined;
        const soon = (busy || again) && slots.free > 0;
        again = false;
        schedule(soon ? 0 : interval);
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
    /**
     * New events were committed: run a round now instead of after the idle interval. A round in
     * progress may have read before the commit, so another follows it at once; a round already
     * due within the settle delay (a range just ended) is left to gather the events as planned.
     */
    nudge(): void {
      // Without any enabled endpoint a round has nothing to send, and every write nudges: the
      // nudge is dropped and the next idle poll (intervalMs) looks again, so the first events of
      // an endpoint enabled meanwhile go out within one poll interval, later ones at once.
      if (stopped || noEndpoints) return;
      if (running !== undefined) {
        again = true;
        return;
      }
      if (timer === undefined || dueAt - Date.now() <= settleMs) return;
      clearTimeout(timer);
      schedule(0);
    },
    /** Stops scheduling rounds and waits for the round and the work in progress. */
    async stop(): Promise<void> {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
      await Promise.all([...inFlight]);
    },
  };
}

export type WebhookWorker = ReturnType<typeof createWebhookWorker>;
