/**
 * The events part of the composition root (src/runtime.ts calls it): the feed and webhook services
 * behind the admin API, and webhook delivery, which starts once the server listens and stops before
 * the database closes — on a worker thread with its own connection (delivery-thread.ts), on this
 * event loop, or not at all, as SCIMD_WEBHOOK_DELIVERY says.
 */
import type { Logger } from 'pino';
import type { Config } from './config.ts';
import { startDeliveryThread, type DeliveryThread } from './delivery-thread.ts';
import { createEventService, type EventService } from './services/events.ts';
import type { MailService } from './services/mail.ts';
import { createWebhookDeliverer } from './services/webhook-delivery.ts';
import { createWebhookService, type WebhookService } from './services/webhooks.ts';
import { withCommitSignal } from './store/commit-signal.ts';
import type { Store } from './store/store.ts';
import { createWebhookWorker } from './workers/webhook-worker.ts';

/** Bytes of a webhook response read (and the start of it logged) before the connection is closed. */
const MAX_RESPONSE_BYTES = 64 * 1024;

export interface EventsWiring {
  readonly services: { readonly events: EventService; readonly webhooks: WebhookService };
  /** Starts delivery as `config.events.delivery` says (call once the server listens). */
  start(): void;
  /** Starts the delivery worker on this event loop whatever the setting (`scimd webhook deliver`, the delivery thread). */
  startDelivery(): void;
  /** Events were committed: the running delivery (worker or thread) looks for them now. */
  wake(): void;
  /** Stops delivery, waiting for the deliveries in flight. */
  stop(): Promise<void>;
}

/**
 * Builds the event feed, the webhook services and the delivery worker for `config`. `clock` dates
 * the webhook service's records; the feed's long-poll always waits in real time.
 */
export function buildEvents(config: Config, store: Store, mail: MailService, logger: Logger, clock?: () => Date): EventsWiring {
  const { events } = config;
  const safety = { allowPrivate: events.allowPrivateWebhooks };
  const deliverer = createWebhookDeliverer({
    store,
    mail,
    send: { ...safety, timeoutMs: events.webhookTimeoutMs, maxResponseBytes: MAX_RESPONSE_BYTES },
    ...(events.webhookRetryScheduleMs ? { retryScheduleMs: events.webhookRetryScheduleMs } : {}),
  });
  const worker = createWebhookWorker({
    store,
    deliverer,
    intervalMs: events.pollMs,
    leaseMs: events.webhookLeaseMs,
    // A range sends a resource's events one after another: their timeouts must fit in the lease.
    chainLimit: Math.max(1, Math.floor(events.webhookLeaseMs / events.webhookTimeoutMs) - 1),
    onRunError: (error) => logger.error({ err: error }, 'webhook delivery round failed'),
    onAttempt: (deliveryId, outcome) => {
      if (outcome !== 'delivered') logger.warn({ deliveryId, outcome }, 'webhook attempt failed');
    },
  });
  let thread: DeliveryThread | undefined;
  let inline = false;
  const startInline = (): void => {
    inline = true;
    worker.start();
  };
  const wake = (): void => {
    if (inline) worker.nudge();
    else thread?.wake();
  };
  // The worker above commits through `store`; replays and endpoint changes wake it.
  const signalled = withCommitSignal(store, wake);
  return {
    services: {
      events: createEventService({ store, pollMs: events.pollMs }),
      webhooks: createWebhookService({ store: signalled, safety, ...(clock ? { clock } : {}) }),
    },
    start: () => {
      // off: this instance only serves; `scimd webhook deliver` delivers.
      if (events.delivery === 'off') return;
      if (events.delivery === 'inline') return startInline();
      // A second connection cannot see an in-memory database: deliver on this thread.
      if (config.database.kind === 'sqlite' && isInMemory(config.database.path)) {
        logger.info('in-memory SQLite database: webhook delivery runs on the main thread');
        return startInline();
      }
      thread = startDeliveryThread({ config, logger });
    },
    startDelivery: startInline,
    wake,
    async stop() {
      await thread?.stop();
      await worker.stop();
      deliverer.close();
    },
  };
}

function isInMemory(path: string): boolean {
  return path === ':memory:' || path === '';
}
