/**
 * The storage port (STYLE.md §2): everything services persist goes through this interface, which
 * knows no SQL and no dialect. It has two implementations, SQLite and PostgreSQL, proven equal by
 * one conformance suite (test/store/).
 */
import type { AttributePath, Filter } from '../core/filter/nodes.ts';
import type { ResourceSchemas } from '../core/schema/types.ts';
import type { SyncLogStore, SyncStateStore } from './sync-state.ts';
import type { GroupStore, OrganizationStore, SchemaExtensionStore, UserStore } from './directory-port.ts';
import type { ApiKeyStore, OperatorStore, RoleStore, SetupLinkStore } from './access-port.ts';
import type { ActivityStore, AuditEventStore, JobStore, KeyReminderStore, MailLogStore, OutboxEventStore } from './history-port.ts';
import type { WebhookStore } from './webhook-port.ts';

// The parts of the port, one file per concern; this file composes them into `Store`.
export type { GroupStore, GroupWriteOptions, MembershipChange, NewOrganization, NewSchemaExtension, OrganizationChanges, OrganizationStore, SchemaExtensionStore, UserReadOptions, UserStore, UserWriteOptions } from './directory-port.ts';
export type { ApiKeyStore, NewApiKey, NewOperator, OperatorStore, RoleStore, SetupLinkStore } from './access-port.ts';
export type { ActivityStore, AuditEventStore, AuditQuery, ChangeCount, JobStore, KeyReminderStore, MailLogStore, NewAuditEvent, NewJob, NewMailLogEntry, NewOutboxEvent, NewScimError, OutboxEventStore } from './history-port.ts';
export type { DeliveryOutcome, LeasedDelivery, NewWebhookEndpoint, RangeResult, ReplaySelector, WebhookEndpointChanges, WebhookRange, WebhookStore } from './webhook-port.ts';

/**
 * A list/search request (RFC 7644 §3.4.2): filter, sorting, and either index paging
 * (`startIndex`, 1-based) or cursor paging (RFC 9865: `cursor` set, `''` for the first page).
 */
export interface ListQuery {
  readonly filter?: Filter;
  /** The schemas the filter and sortBy are resolved against (defaults to the core schemas). */
  readonly schemas?: ResourceSchemas;
  readonly sortBy?: AttributePath;
  readonly sortOrder?: 'ascending' | 'descending';
  readonly startIndex?: number;
  readonly count: number;
  readonly cursor?: string;
  /** Skip the COUNT(*) when the caller does not need `totalResults` (defaults to true). */
  readonly includeTotal?: boolean;
  /** Users: read each user's direct groups with the page where the store can (UserReadOptions). */
  readonly withGroups?: boolean;
}

/** One page of a listing (RFC 7644 §3.4.2.4, RFC 9865 `nextCursor`). */
export interface ListPage<T> {
  readonly resources: readonly T[];
  /** Present unless the query asked `includeTotal: false`. */
  readonly totalResults?: number;
  /** Present in cursor mode when another page exists. */
  readonly nextCursor?: string;
}

/** Result of an optimistic-concurrency write: the service turns `conflict` into 412. */
export type WriteResult<T> =
  | { readonly status: 'ok'; readonly record: T }
  | { readonly status: 'notFound' }
  | { readonly status: 'conflict'; readonly currentVersion: number };

export interface WriteOptions {
  /** Only write when the stored version equals this one (If-Match, RFC 7644 §3.14). */
  readonly expectedVersion?: number;
}

/** How a record is read inside a write transaction. */
export interface ReadForWrite {
  /**
   * Lock the row until the transaction ends (PostgreSQL `SELECT … FOR UPDATE`), so concurrent
   * writers of one resource queue instead of failing on a version check they did not ask for.
   * SQLite's single writer already serialises them; outside a transaction it changes nothing.
   */
  readonly forUpdate?: boolean;
}

/** The whole storage port. */
export interface Store {
  readonly organizations: OrganizationStore;
  readonly users: UserStore;
  readonly groups: GroupStore;
  readonly apiKeys: ApiKeyStore;
  readonly roles: RoleStore;
  readonly auditEvents: AuditEventStore;
  readonly outboxEvents: OutboxEventStore;
  readonly webhooks: WebhookStore;
  readonly jobs: JobStore;
  readonly operators: OperatorStore;
  readonly setupLinks: SetupLinkStore;
  readonly mailLog: MailLogStore;
  readonly keyReminders: KeyReminderStore;
  readonly activity: ActivityStore;
  readonly schemaExtensions: SchemaExtensionStore;
  /** The provisioning engine's links, watermarks, runs and stored jobs. */
  readonly syncState: SyncStateStore;
  /** The provisioning logs: one entry per object per cycle that did something or failed. */
  readonly syncLogs: SyncLogStore;
  /**
   * Runs `fn` in one database transaction: commits when it resolves, rolls back when it throws.
   * Calling `transaction` on the `tx` store joins the same transaction.
   */
  transaction<T>(fn: (tx: Store) => Promise<T>): Promise<T>;
  /**
   * A number that differs from the one the previous call returned whenever another process (the
   * CLI, another scimd instance) may have committed changes to organizations, roles, API keys or extension schemas
   * since then. Caches of those compare it before every use, so such a change takes effect on the
   * next request (revocation and the SCIM toggle). Synchronous and cheap: no round trip.
   */
  configVersion(): number;
  /** Cheap round trip for readiness checks. */
  ping(): Promise<void>;
  /** Closes connections; the store is unusable afterwards. */
  close(): Promise<void>;
}
