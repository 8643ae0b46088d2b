/**
 * Event and webhook-log retention, at start and every six hours (`intervalMs`): events older than
 * SCIMD_EVENT_RETENTION_DAYS leave the outbox (the feed answers 410 for cursors before them), and
 * webhook attempts and finished deliveries older than SCIMD_WEBHOOK_LOG_RETENTION_DAYS leave the
 * delivery log. Several instances may prune at once; deleting old rows twice is harmless.
 */
import type { EventService } from '../services/events.ts';
import type { WebhookService } from '../services/webhooks.ts';
import { createPeriodicTask, type PeriodicTask } from './periodic.ts';

export const EVENT_RETENTION_INTERVAL_MS = 6 * 60 * 60 * 1000;

export interface EventRetentionWorkerOptions {
  readonly events: Pick<EventService, 'applyRetention'>;
  readonly webhooks: Pick<WebhookService, 'applyRetention'>;
  readonly retention: { readonly eventDays: number; readonly webhookLogDays: number };
  readonly intervalMs?: number;
  readonly onApplied: (deleted: { readonly events: number; readonly deliveries: number; readonly attempts: number }) => void;
  readonly onError: (error: unknown) => void;
}

/** Creates the worker (start it once the server listens). */
export function createEventRetentionWorker(options: EventRetentionWorkerOptions): PeriodicTask {
  return createPeriodicTask(
    async () => {
      const { deleted: events } = await options.events.applyRetention(options.retention.eventDays);
      const log = await options.webhooks.applyRetention(options.retention.webhookLogDays);
      if (events + log.deliveries + log.attempts > 0) options.onApplied({ events, ...log });
    },
    { intervalMs: options.intervalMs ?? EVENT_RETENTION_INTERVAL_MS, onError: options.onError },
  );
}
