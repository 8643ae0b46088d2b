/**
 * The events part of the composition root (src/runtime.ts calls it): the feed and webhook services
 * behind the admin API, and the webhook delivery worker, which starts once the server listens and
 * stops before the database closes.
 */
import type { Logger } from 'pino';
import type { Config } from './config.ts';
import { createEventService, type EventService } from './services/events.ts';
import type { MailService } from './services/mail.ts';
import { createWebhookDeliverer } from './services/webhook-delivery.ts';
import { createWebhookService, type WebhookService } from './services/webhooks.ts';
import type { Store } from './store/store.ts';
import { createWebhookWorker } from './workers/webhook-worker.ts';

/** Bytes of a webhook response read (and the start of it logged) before the connection is closed. */
const MAX_RESPONSE_BYTES = 64 * 1024;

export interface EventsWiring {
  readonly services: { readonly events: EventService; readonly webhooks: WebhookService };
  /** Starts the delivery worker (call once the server listens) unless delivery runs elsewhere. */
  start(): void;
  /** Starts the delivery worker whatever the setting (`scimd webhook deliver`). */
  startDelivery(): void;
  /** Stops the worker, waiting for the deliveries in flight. */
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
  return {
    services: {
      events: createEventService({ store, pollMs: events.pollMs }),
      webhooks: createWebhookService({ store, safety, ...(clock ? { clock } : {}) }),
    },
    // SCIMD_WEBHOOK_DELIVERY=false: this instance only serves; `scimd webhook deliver` delivers.
    start: () => {
      if (events.deliverInProcess) worker.start();
    },
    startDelivery: () => worker.start(),
    async stop() {
      await worker.stop();
      deliverer.close();
    },
  };
}
