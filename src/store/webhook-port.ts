/** Webhook endpoints, deliveries and attempts of the storage port (see store.ts). */
import type { OutboxEventRecord, WebhookAttemptRecord, WebhookDeliveryRecord, WebhookDeliveryStatus, WebhookEndpointRecord, WebhookEndpointStatus } from './records.ts';

export interface NewWebhookEndpoint {
  readonly id?: string;
  readonly url: string;
  readonly description?: string | null;
  readonly types?: readonly string[];
  readonly secret: string;
}

export type WebhookEndpointChanges = Partial<
  Pick<WebhookEndpointRecord, 'url' | 'description' | 'types' | 'secret' | 'previousSecret' | 'previousSecretUntil' | 'status' | 'disabledReason' | 'failingSince'>
>;

/** A leased delivery with what sending it needs. */
export interface LeasedDelivery {
  readonly delivery: WebhookDeliveryRecord;
  readonly endpoint: WebhookEndpointRecord;
  readonly event: OutboxEventRecord;
}

/** An endpoint's leased range of new events (see `WebhookStore.claimRanges`). */
export interface WebhookRange {
  readonly endpoint: WebhookEndpointRecord;
  /** The range's events the endpoint subscribes to, in sequence order. */
  readonly events: readonly OutboxEventRecord[];
  /** Resource keys with an unfinished (pending or leased) delivery: their events must wait. */
  readonly blockedKeys: ReadonlySet<string>;
  /** The last sequence number of the range (events of other types included). */
  readonly through: number;
}

/** One event of a range: sent (with the attempt's outcome) or left waiting (`outcome` undefined). */
export interface RangeResult {
  readonly event: OutboxEventRecord;
  readonly outcome?: DeliveryOutcome;
}

/** The result of one attempt and what happens next. */
export interface DeliveryOutcome {
  readonly attemptedAt: string;
  readonly statusCode: number | null;
  readonly latencyMs: number;
  readonly error: string | null;
  readonly responseExcerpt: string | null;
  readonly next: { readonly kind: 'delivered' } | { readonly kind: 'retry'; readonly at: string } | { readonly kind: 'dead' };
}

/** Which events a replay queues again for an endpoint. */
export type ReplaySelector =
  | { readonly kind: 'events'; readonly eventIds: readonly string[] }
  | { readonly kind: 'range'; readonly from: string; readonly to?: string }
  | { readonly kind: 'dead' };

/** Webhook endpoints, their deliveries (leased like jobs) and the attempt log. */
export interface WebhookStore {
  /** The endpoint starts after the organization's current last event. */
  createEndpoint(orgId: string, input: NewWebhookEndpoint): Promise<WebhookEndpointRecord>;
  getEndpoint(orgId: string, id: string): Promise<WebhookEndpointRecord | undefined>;
  /** An endpoint by id alone (the CLI). */
  findEndpoint(id: string): Promise<WebhookEndpointRecord | undefined>;
  listEndpoints(orgId: string): Promise<readonly WebhookEndpointRecord[]>;
  /** Undefined when absent, or when `expectStatus` is given and the endpoint is in another status. */
  updateEndpoint(
    orgId: string,
    id: string,
    changes: WebhookEndpointChanges,
    options?: { readonly expectStatus?: WebhookEndpointStatus },
  ): Promise<WebhookEndpointRecord | undefined>;
  /** Deletes the endpoint with its deliveries and attempts. */
  deleteEndpoint(orgId: string, id: string): Promise<boolean>;
  /**
   * Leases the range of new events (up to `limit`, after its cursor) of every enabled endpoint
   * that is behind and not leased by another worker, until now + `leaseMs`. Nothing is written for
   * the events until `commitRange`; two workers never hold one endpoint's range.
   */
  claimRanges(worker: string, options: { readonly limit: number; readonly leaseMs: number }): Promise<readonly WebhookRange[]>;
  /** Whether any organization has an enabled endpoint (the worker's idle check: a read of the small endpoints table that stops at the first). */
  anyEnabled(): Promise<boolean>;
  /**
   * Records a leased range in one transaction: a delivery per event (with its attempt when it
   * was sent, pending when it must wait), the failure streak, and the cursor moved past the range.
   * Writes nothing when `worker` no longer holds the range.
   */
  commitRange(worker: string, range: WebhookRange, results: readonly RangeResult[]): Promise<{ readonly committed: boolean; readonly failingSince: string | null }>;
  /** Renews a range lease `worker` still holds (a heartbeat while it sends); false when lost. */
  extendRange(worker: string, endpointId: string, leaseMs: number): Promise<boolean>;
  /**
   * Leases up to `limit` due deliveries until now + `leaseMs` (expired leases count as due), never
   * one whose endpoint has an earlier unfinished delivery for the same resource; never the same
   * delivery to two workers.
   */
  lease(worker: string, options: { readonly limit: number; readonly leaseMs: number }): Promise<readonly LeasedDelivery[]>;
  /**
   * Logs the attempt and moves the delivery on (only while `worker` still holds its lease); keeps
   * the endpoint's failure streak. Returns whether the delivery was updated and the streak start.
   */
  finish(
    worker: string,
    delivery: WebhookDeliveryRecord,
    outcome: DeliveryOutcome,
    /** The endpoint's streak start as last read (`null`: not failing), when the caller knows it. */
    options?: { readonly failingSince?: string | null },
  ): Promise<{ readonly updated: boolean; readonly failingSince: string | null }>;
  getDelivery(orgId: string, id: string): Promise<WebhookDeliveryRecord | undefined>;
  /** Newest first. */
  listDeliveries(
    orgId: string,
    endpointId: string,
    page: { readonly status?: WebhookDeliveryStatus; readonly beforeSequence?: number; readonly limit: number },
  ): Promise<readonly WebhookDeliveryRecord[]>;
  /** Newest first, older than the attempt id `before`. */
  listAttempts(
    orgId: string,
    page: { readonly endpointId?: string; readonly deliveryId?: string; readonly before?: string; readonly limit: number },
  ): Promise<readonly WebhookAttemptRecord[]>;
  /**
   * Queues events again (finished deliveries are reset, missing ones created); returns how many.
   * A time range is read and queued `pageSize` events at a time (500 by default).
   */
  replay(orgId: string, endpointId: string, selector: ReplaySelector, options?: { readonly pageSize?: number }): Promise<number>;
  /**
   * Retention: deletes attempts made before `before`, deliveries finished (delivered or dead)
   * before it, and pending deliveries created before it whose event no longer exists.
   */
  prune(before: string): Promise<{ readonly deliveries: number; readonly attempts: number }>;
}
