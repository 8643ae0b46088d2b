/**
 * The revision history, the event outbox, the job queue, the mail log, key reminders and
 * provisioning activity of the storage port (see store.ts).
 */
import type { ActivityHourRecord, ActorType, ApiKeyRecord, AuditEventRecord, JobRecord, MailLogRecord, OutboxEventRecord, ScimErrorRecord } from './records.ts';

export type NewAuditEvent = Omit<AuditEventRecord, 'id' | 'occurredAt' | 'orgId'> & {
  readonly id?: string;
  readonly occurredAt?: string;
};

export interface AuditQuery {
  readonly from?: string;
  readonly to?: string;
  readonly actorType?: ActorType;
  readonly actorId?: string;
  readonly action?: string;
  readonly resourceId?: string;
  /** Opaque cursor from a previous page. */
  readonly cursor?: string;
  readonly limit: number;
  /** Newest first by default. */
  readonly order?: 'newest' | 'oldest';
}

export interface AuditEventStore {
  append(orgId: string, event: NewAuditEvent): Promise<AuditEventRecord>;
  query(orgId: string, query: AuditQuery): Promise<{ readonly events: readonly AuditEventRecord[]; readonly nextCursor?: string }>;
  /** Every matching event, fetched in keyset batches so memory stays constant. */
  stream(orgId: string, query: Omit<AuditQuery, 'cursor' | 'limit'>, batchSize?: number): AsyncIterable<AuditEventRecord>;
  /** Deletes events older than `before` (retention); returns how many. */
  deleteBefore(orgId: string, before: string): Promise<number>;
}

export type NewOutboxEvent = Omit<OutboxEventRecord, 'id' | 'occurredAt' | 'orgId' | 'sequence'> & {
  readonly id?: string;
  readonly occurredAt?: string;
};

export interface OutboxEventStore {
  /**
   * Appends one event. Where events are numbered after their transaction commits (PostgreSQL, the
   * SQL store's capability `eventNumbersAfterCommit`), an append inside a transaction returns
   * `sequence: null`, and the number exists once `transaction()` has resolved; an append that is its
   * own transaction, and every append on SQLite, returns the number.
   */
  append(orgId: string, event: NewOutboxEvent): Promise<OutboxEventRecord>;
  /** Events of one organization after the event id `after`, oldest first. */
  list(orgId: string, page: { readonly after?: string; readonly limit: number }): Promise<readonly OutboxEventRecord[]>;
  /** Events of every organization after `after`, for a dispatcher. */
  listAll(page: { readonly after?: string; readonly limit: number }): Promise<readonly OutboxEventRecord[]>;
  /** The feed: events of one organization with a sequence above `afterSequence`, in sequence order. */
  page(orgId: string, page: { readonly afterSequence: number; readonly limit: number; readonly types?: readonly string[] }): Promise<readonly OutboxEventRecord[]>;
  get(orgId: string, id: string): Promise<OutboxEventRecord | undefined>;
  /** The last sequence number handed out, and the highest one retention has deleted (0: none). */
  position(orgId: string): Promise<{ readonly last: number; readonly prunedThrough: number }>;
  /** Deletes events of every organization older than `before` (retention); returns how many. */
  deleteBefore(before: string): Promise<number>;
}

export interface NewJob {
  readonly id?: string;
  readonly kind: string;
  readonly payload?: unknown;
  /** Enqueuing a second job with the same kind and key is a no-op (exactly-once scheduling). */
  readonly dedupeKey?: string;
  readonly runAt?: string;
  readonly maxAttempts?: number;
}

export interface JobStore {
  /** Returns the job, or `undefined` when a job with the same kind and dedupe key exists. */
  enqueue(orgId: string, job: NewJob): Promise<JobRecord | undefined>;
  /** Atomically leases up to `limit` due jobs to `worker` until now + `leaseMs`; never the same job twice. */
  lease(worker: string, options: { readonly kinds?: readonly string[]; readonly limit: number; readonly leaseMs: number }): Promise<readonly JobRecord[]>;
  complete(id: string, worker: string): Promise<boolean>;
  /** Records the failure; retried at `retryAt` unless attempts are exhausted (then `failed`). */
  fail(id: string, worker: string, error: string, retryAt: string): Promise<boolean>;
  get(id: string): Promise<JobRecord | undefined>;
}

export type NewMailLogEntry = Omit<MailLogRecord, 'id' | 'orgId' | 'createdAt'> & { readonly id?: string };

/** The organization's mail log (append-only). */
export interface MailLogStore {
  append(orgId: string, entry: NewMailLogEntry): Promise<MailLogRecord>;
  /** Newest first, `limit` at a time, older than the entry id `before`. */
  list(orgId: string, page: { readonly before?: string; readonly limit: number }): Promise<readonly MailLogRecord[]>;
}

/** What the key-expiry sweep asks: which keys still need a reminder job. */
export interface KeyReminderStore {
  /**
   * Unrevoked keys of every organization with `expiresFrom < expiresAt <= expiresBefore` (bound
   * omitted: unbounded) and no job of `kind` with the dedupe key `<kind>:<keyId>` yet; soonest first.
   */
  due(kind: string, window: { readonly expiresFrom?: string; readonly expiresBefore: string }, limit: number): Promise<readonly ApiKeyRecord[]>;
}

export type NewScimError = Omit<ScimErrorRecord, 'id'> & { readonly id?: string };

/** How many SCIM changes of one action fell into one time bucket (from the revision history). */
export interface ChangeCount {
  /** `YYYY-MM-DDTHH` for hours, `YYYY-MM-DD` for days (UTC). */
  readonly bucket: string;
  readonly action: string;
  readonly count: number;
}

/** Provisioning activity: hourly request counters, error samples, and change counts per bucket. */
export interface ActivityStore {
  /**
   * Adds to the counters of each (organization, hour) and raises its latest success/error times,
   * one upsert per statement; at most one entry per (orgId, hour) in a call.
   */
  addCounts(entries: readonly ActivityHourRecord[]): Promise<void>;
  /** Counter rows of an organization with `from <= hour < to` (hours as `YYYY-MM-DDTHH`), oldest first. */
  hours(orgId: string, range: { readonly from: string; readonly to: string }): Promise<readonly ActivityHourRecord[]>;
  /** The latest successful SCIM request time of the organization, if any. */
  lastSuccessAt(orgId: string): Promise<string | undefined>;
  recordErrors(errors: readonly NewScimError[]): Promise<void>;
  /** The newest error samples first. */
  lastErrors(orgId: string, limit: number): Promise<readonly ScimErrorRecord[]>;
  /** Audit events made through SCIM with `from <= occurredAt < to`, counted per bucket and action. */
  changeCounts(orgId: string, range: { readonly from: string; readonly to: string; readonly bucket: 'hour' | 'day' }): Promise<readonly ChangeCount[]>;
  /** Deletes counters and samples older than `before` in every organization; returns how many rows. */
  deleteBefore(before: string): Promise<number>;
}
