/**
 * Delivering webhooks: a range of new events read straight from the outbox, or one leased
 * delivery that had to wait (a retry, a later event of a busy resource). Each attempt signs the
 * CloudEvent with the endpoint's current secrets, POSTs it, logs the attempt, and decides what
 * follows — delivered on any 2xx; otherwise a retry on
 * the schedule below (with ±20 % jitter), and dead-lettered once the schedule is used up. An
 * endpoint that answers 410 Gone, or whose attempts have all failed for `disableAfterMs` (3 days),
 * is disabled, and the organization's notification addresses get one e-mail.
 */
import type { OutboxEventRecord, WebhookEndpointRecord } from '../store/records.ts';
import type { DeliveryOutcome, LeasedDelivery, RangeResult, Store, WebhookRange } from '../store/store.ts';
import { toCloudEvent } from './events.ts';
import { notificationAddresses } from './key-reminders.ts';
import type { MailService } from './mail.ts';
import { signedHeaders } from './webhook-signing.ts';
import { createWebhookSender, type SendOptions, type SendResult, type WebhookSender } from './webhook-sender.ts';
import { signingSecrets } from './webhooks.ts';

const S = 1000;
const M = 60 * S;
const H = 60 * M;

/**
 * Delays before retry 1, 2, …: 5 s, 30 s, 2 min, 10 min, 30 min, 1 h, 2 h, 4 h, 6 h, 8 h, 8 h —
 * 12 attempts over about 29.7 hours, then the delivery is dead.
 */
export const DEFAULT_RETRY_SCHEDULE_MS: readonly number[] = [5 * S, 30 * S, 2 * M, 10 * M, 30 * M, 1 * H, 2 * H, 4 * H, 6 * H, 8 * H, 8 * H];

/** An endpoint failing this long without one success is disabled. */
export const DEFAULT_DISABLE_AFTER_MS = 3 * 24 * H;

export interface WebhookDeliveryDeps {
  readonly store: Store;
  readonly send: SendOptions;
  readonly mail?: Pick<MailService, 'send'>;
  readonly clock?: () => Date;
  readonly retryScheduleMs?: readonly number[];
  readonly disableAfterMs?: number;
  /** A number in [0, 1) (Math.random by default); tests fix it. */
  readonly random?: () => number;
  /** Sends the requests (a keep-alive sender over `send` by default). */
  readonly sender?: Pick<WebhookSender, 'send' | 'close'>;
}

/** What one attempt ended in. */
export type AttemptResult = 'delivered' | 'retry' | 'dead' | 'lost-lease';

const EXCERPT_CHARS = 1024;

/** Creates the deliverer. */
export function createWebhookDeliverer(deps: WebhookDeliveryDeps) {
  const { store } = deps;
  const clock = deps.clock ?? (() => new Date());
  const schedule = deps.retryScheduleMs ?? DEFAULT_RETRY_SCHEDULE_MS;
  const disableAfter = deps.disableAfterMs ?? DEFAULT_DISABLE_AFTER_MS;
  const random = deps.random ?? Math.random;
  const sender = deps.sender ?? createWebhookSender(deps.send);

  /** The time of the next attempt after the n-th one failed, or undefined when it was the last. */
  function retryAt(attempts: number, now: Date): string | undefined {
    const base = schedule[attempts - 1];
    if (base === undefined) return undefined;
    const jitter = 1 + (random() * 0.4 - 0.2);
    return new Date(now.getTime() + Math.round(base * jitter)).toISOString();
  }

  type FinishArgs = Parameters<Store['webhooks']['finish']>;
  type Finished = Awaited<ReturnType<Store['webhooks']['finish']>>;
  const queue: { args: FinishArgs; resolve: (r: Finished) => void; reject: (e: unknown) => void }[] = [];
  let flushing = false;

  /**
   * Records outcomes in as few transactions as possible: the ones that finish while a commit is
   * under way are written together in the next one (each still moves only its own delivery).
   */
  function finish(...args: FinishArgs): Promise<Finished> {
    return new Promise((resolve, reject) => {
      queue.push({ args, resolve, reject });
      if (!flushing) void flush();
    });
  }

  async function flush(): Promise<void> {
    flushing = true;
    while (queue.length > 0) {
      const batch = queue.splice(0, queue.length);
      try {
        const results = await store.transaction(async (tx) => {
          const out: Finished[] = [];
          for (const item of batch) out.push(await tx.webhooks.finish(...item.args));
          return out;
        });
        batch.forEach((item, i) => item.resolve(results[i] as Finished));
      } catch (error) {
        for (const item of batch) item.reject(error);
      }
    }
    flushing = false;
  }

  async function disable(orgId: string, endpointId: string, url: string, reason: string): Promise<void> {
    const disabled = await store.webhooks.updateEndpoint(orgId, endpointId, { status: 'disabled', disabledReason: reason }, { expectStatus: 'enabled' });
    // Only the call that actually switched it off mails, so the organization hears of it once.
    if (!disabled || !deps.mail) return;
    const org = await store.organizations.get(orgId);
    if (!org) return;
    await deps.mail.send(orgId, {
      kind: 'webhook-disabled',
      to: notificationAddresses(org.settings),
      subject: `Webhook endpoint disabled: ${url}`,
      text: [
        `scimd stopped sending events of organization "${org.name}" to ${url}.`,
        `Reason: ${reason}.`,
        'Events are kept: enable the endpoint again (PATCH it with "enabled": true, or `scimd webhook update`) and every pending delivery resumes; dead ones can be replayed.',
      ].join('\n'),
    });
  }

  /** Signs and sends `event` to `endpoint`; `attempts` counts this attempt. Returns the outcome. */
  async function attempt(endpoint: WebhookEndpointRecord, event: OutboxEventRecord, attempts: number): Promise<DeliveryOutcome> {
    const body = JSON.stringify(toCloudEvent(event));
    const attemptAt = clock();
    const headers = signedHeaders(signingSecrets(endpoint, attemptAt), event.id, Math.floor(attemptAt.getTime() / 1000), body);
    const result: SendResult = await sender.send(endpoint.url, headers, body);
    const ok = result.statusCode !== null && result.statusCode >= 200 && result.statusCode < 300;
    const retry = ok ? undefined : retryAt(attempts, clock());
    return {
      attemptedAt: attemptAt.toISOString(),
      statusCode: result.statusCode,
      latencyMs: result.latencyMs,
      error: ok ? null : (result.error ?? `HTTP ${result.statusCode}`),
      responseExcerpt: result.excerpt === null ? null : result.excerpt.slice(0, EXCERPT_CHARS),
      next: ok ? { kind: 'delivered' } : retry === undefined ? { kind: 'dead' } : { kind: 'retry', at: retry },
    };
  }

  /** Disables the endpoint after a 410, or when its failure streak is long enough. */
  async function afterOutcomes(endpoint: WebhookEndpointRecord, outcomes: readonly DeliveryOutcome[], failingSince: string | null): Promise<void> {
    if (outcomes.some((o) => o.statusCode === 410)) await disable(endpoint.orgId, endpoint.id, endpoint.url, 'the endpoint answered 410 Gone');
    else if (failingSince !== null && clock().getTime() - Date.parse(failingSince) >= disableAfter) {
      await disable(endpoint.orgId, endpoint.id, endpoint.url, `every attempt has failed since ${failingSince}`);
    }
  }

  return {
    attempt,

    /** Sends one leased delivery and records the outcome (see the module comment). */
    async deliver(leased: LeasedDelivery, worker: string): Promise<AttemptResult> {
      const { delivery, endpoint, event } = leased;
      const outcome = await attempt(endpoint, event, delivery.attempts);
      const finished = await finish(worker, delivery, outcome, { failingSince: endpoint.failingSince });
      await afterOutcomes(endpoint, [outcome], finished.failingSince);
      if (!finished.updated) return 'lost-lease';
      return outcome.next.kind;
    },

    /**
     * Records what became of a leased range (one transaction) and applies the endpoint rules;
     * returns false when the range's lease was lost (nothing written, another worker resends it).
     */
    async recordRange(worker: string, range: WebhookRange, results: readonly RangeResult[]): Promise<boolean> {
      const recorded = await store.webhooks.commitRange(worker, range, results);
      if (!recorded.committed) return false;
      await afterOutcomes(range.endpoint, results.flatMap((r) => (r.outcome ? [r.outcome] : [])), recorded.failingSince);
      return true;
    },

    /** Closes the sender's pooled connections. */
    close: () => sender.close(),
  };
}

export type WebhookDeliverer = ReturnType<typeof createWebhookDeliverer>;
