/**
 * The storage port (STYLE.md §2): everything services persist goes through this interface, which
 * knows no SQL and no dialect. It has two implementations, SQLite and PostgreSQL, proven equal by
 * one conformance suite (test/store/).
 */
import type { AttributePath, Filter } from '../core/filter/nodes.ts';
import type { MemberRef, MembershipDelta } from '../core/patch/types.ts';
import type { ResourceSchemas, SchemaDefinition, ScimResource } from '../core/schema/types.ts';
import type {
  ActivityHourRecord,
  ActorType,
  ApiKeyRecord,
  AuditEventRecord,
  GroupRecord,
  JobRecord,
  MailLogRecord,
  MemberRecord,
  OperatorRecord,
  OperatorSessionRecord,
  OrganizationRecord,
  OutboxEventRecord,
  RoleRecord,
  ScimErrorRecord,
  SchemaExtensionRecord,
  ExtensionResourceType,
  SetupLinkRecord,
  UserGroupRecord,
  UserRecord,
  WebhookAttemptRecord,
  WebhookDeliveryRecord,
  WebhookDeliveryStatus,
  WebhookEndpointRecord,
  WebhookEndpointStatus,
} from './records.ts';
import type { SyncLogStore, SyncStateStore } from './sync-state.ts';

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

/** How a user is read. */
export interface UserReadOptions extends ReadForWrite {
  /**
   * Also read the user's direct groups into `groups`, where the store can do so in the same
   * statement (a round trip saved on PostgreSQL); a store that cannot leaves `groups` absent and
   * the caller asks `groupsOf`.
   */
  readonly withGroups?: boolean;
}

export interface UserWriteOptions extends WriteOptions {
  /**
   * The user as `get` returned it moments before, in the same transaction: the store may then
   * skip reading it again. The write is still guarded by that record's version.
   */
  readonly current?: UserRecord;
}

/** How a group is written. */
export interface GroupWriteOptions extends WriteOptions {
  /**
   * The group as `get` returned it moments before, in the same transaction (locked FOR UPDATE): the
   * store may then skip reading it again. The write is still guarded by that record's version.
   */
  readonly current?: GroupRecord;
}

export interface NewOrganization {
  readonly id?: string;
  readonly name: string;
  readonly slug: string;
  readonly scimEnabled?: boolean;
  readonly settings?: Readonly<Record<string, unknown>>;
}

export type OrganizationChanges = Partial<Pick<OrganizationRecord, 'name' | 'slug' | 'scimEnabled' | 'settings'>>;

export interface OrganizationStore {
  create(input: NewOrganization): Promise<OrganizationRecord>;
  get(id: string): Promise<OrganizationRecord | undefined>;
  getBySlug(slug: string): Promise<OrganizationRecord | undefined>;
  /** Organizations in id order after `after`; `search` keeps those whose name or slug contains it (any case). */
  list(page?: { readonly after?: string; readonly limit?: number; readonly search?: string }): Promise<readonly OrganizationRecord[]>;
  update(id: string, changes: OrganizationChanges): Promise<OrganizationRecord | undefined>;
  /** Deletes the organization and every row of every table that belongs to it. */
  delete(id: string): Promise<boolean>;
}

/**
 * Users (RFC 7643 §4.1). `create`/`replace` take the canonical resource; the store writes `id` and
 * `meta` into it, strips `groups` and `password`, and maintains the indexed columns and value rows.
 */
export interface UserStore {
  create(orgId: string, resource: ScimResource, options?: { readonly id?: string }): Promise<UserRecord>;
  /**
   * Creates many users at once with multi-row inserts (imports, Bulk, loading benchmarks), in one
   * transaction: all or nothing. A userName repeated in the batch or already taken → 409
   * `uniqueness` naming it, and nothing is written. `ids`, when given, pairs with `resources`.
   * Records no audit or outbox events: the caller does.
   */
  createMany(orgId: string, resources: readonly ScimResource[], options?: { readonly ids?: readonly string[] }): Promise<UserRecord[]>;
  get(orgId: string, id: string, options?: UserReadOptions): Promise<UserRecord | undefined>;
  /** Case-insensitive (JavaScript `toLowerCase`) lookup, like the uniqueness rule. */
  findByUserName(orgId: string, userName: string): Promise<UserRecord | undefined>;
  replace(orgId: string, id: string, resource: ScimResource, options?: UserWriteOptions): Promise<WriteResult<UserRecord>>;
  /** Deletes the user and its memberships. */
  delete(orgId: string, id: string, options?: WriteOptions): Promise<WriteResult<{ readonly id: string }>>;
  list(orgId: string, query: ListQuery): Promise<ListPage<UserRecord>>;
  count(orgId: string, filter?: Filter, schemas?: ResourceSchemas): Promise<number>;
  /** The groups the user is a direct member of, from the membership index. */
  groupsOf(orgId: string, userId: string): Promise<readonly UserGroupRecord[]>;
  /**
   * The direct groups of several users in one query (a listing page), keyed by user id; users in
   * no group are absent from the map.
   */
  groupsOfMany(orgId: string, userIds: readonly string[]): Promise<ReadonlyMap<string, readonly UserGroupRecord[]>>;
}

/** What `applyMembershipDelta` actually changed (ids), for audit and outbox events. */
export interface MembershipChange {
  readonly added: readonly string[];
  readonly removed: readonly string[];
}

/** Groups (RFC 7643 §4.2). Reading a group never touches memberships; members are read separately. */
export interface GroupStore {
  /** Creates the group; `members` (or, when omitted, `resource.members`) become membership rows. */
  create(
    orgId: string,
    resource: ScimResource,
    options?: { readonly id?: string; readonly members?: readonly MemberRef[] },
  ): Promise<GroupRecord>;
  get(orgId: string, id: string, options?: ReadForWrite): Promise<GroupRecord | undefined>;
  findByDisplayName(orgId: string, displayName: string): Promise<GroupRecord | undefined>;
  /** Replaces the group's attributes (not its members: use applyMembershipDelta). */
  replace(orgId: string, id: string, resource: ScimResource, options?: GroupWriteOptions): Promise<WriteResult<GroupRecord>>;
  delete(orgId: string, id: string, options?: WriteOptions): Promise<WriteResult<{ readonly id: string }>>;
  list(orgId: string, query: ListQuery): Promise<ListPage<GroupRecord>>;
  count(orgId: string, filter?: Filter, schemas?: ResourceSchemas): Promise<number>;
  /**
   * Applies a PATCH membership delta as row inserts and deletes (re-adds are no-ops). Every added
   * member must be a user or group of the organization, else ScimError 400 `invalidValue`.
   * `current`: the group as read FOR UPDATE in the same transaction, so its existence need not be
   * checked again.
   */
  applyMembershipDelta(orgId: string, groupId: string, delta: MembershipDelta, options?: { readonly current?: GroupRecord }): Promise<MembershipChange>;
  /** Members ordered by id, `limit` at a time after the id `after`. */
  listMembers(
    orgId: string,
    groupId: string,
    page: { readonly after?: string; readonly limit: number },
  ): Promise<readonly MemberRecord[]>;
  countMembers(orgId: string, groupId: string): Promise<number>;
  /** True when `memberId` is a direct member of the group. */
  hasMember(orgId: string, groupId: string, memberId: string): Promise<boolean>;
}

export interface NewApiKey {
  readonly id?: string;
  readonly type: 'scim' | 'api';
  readonly description: string;
  readonly prefix: string;
  readonly secretHash: string;
  readonly scopes?: readonly string[];
  readonly ipAllowlist?: readonly string[];
  readonly expiresAt?: string | null;
  readonly createdBy?: string | null;
}

export interface ApiKeyStore {
  create(orgId: string, input: NewApiKey): Promise<ApiKeyRecord>;
  findByHash(secretHash: string): Promise<ApiKeyRecord | undefined>;
  get(orgId: string, id: string): Promise<ApiKeyRecord | undefined>;
  /** A key by id alone (for `scimd key revoke <keyId>`). */
  findById(id: string): Promise<ApiKeyRecord | undefined>;
  list(orgId: string): Promise<readonly ApiKeyRecord[]>;
  revoke(orgId: string, id: string, at: string): Promise<ApiKeyRecord | undefined>;
  /** Records use times in one statement per key; services batch these instead of writing per request. */
  touchLastUsed(uses: readonly { readonly id: string; readonly at: string }[]): Promise<void>;
}

export interface RoleStore {
  create(orgId: string, input: { readonly id?: string; readonly name: string; readonly description?: string | null; readonly predefined?: boolean }): Promise<RoleRecord>;
  list(orgId: string): Promise<readonly RoleRecord[]>;
  /** Exact (case-sensitive) name lookup: `userType` must name a role exactly. */
  findByName(orgId: string, name: string): Promise<RoleRecord | undefined>;
  get(orgId: string, id: string): Promise<RoleRecord | undefined>;
  update(orgId: string, id: string, changes: { readonly name?: string; readonly description?: string | null }): Promise<RoleRecord | undefined>;
  delete(orgId: string, id: string): Promise<boolean>;
  /** Users whose `userType` is exactly `name` (indexed). */
  countUsers(orgId: string, name: string): Promise<number>;
}

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
   * Appends one event. Where the database numbers events at commit (PostgreSQL, the SQL store's
   * capability `eventNumbersAtCommit`), an append inside a transaction returns `sequence: null`;
   * an append that is its own transaction, and every append on SQLite, returns the number.
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

export interface NewOperator {
  readonly id?: string;
  readonly email: string;
  readonly passwordHash: string;
}

/** Operators and their login sessions (deployment-wide, not per organization). */
export interface OperatorStore {
  /** 409 `uniqueness` when the e-mail (case-insensitive) is taken. */
  create(input: NewOperator): Promise<OperatorRecord>;
  get(id: string): Promise<OperatorRecord | undefined>;
  /** Case-insensitive e-mail lookup. */
  findByEmail(email: string): Promise<OperatorRecord | undefined>;
  /** Every operator, oldest first. */
  list(): Promise<readonly OperatorRecord[]>;
  setPasswordHash(id: string, passwordHash: string): Promise<boolean>;
  recordLogin(id: string, at: string): Promise<void>;
  createSession(input: { readonly id?: string; readonly operatorId: string; readonly tokenHash: string; readonly expiresAt: string }): Promise<OperatorSessionRecord>;
  findSession(tokenHash: string): Promise<OperatorSessionRecord | undefined>;
  deleteSession(id: string): Promise<boolean>;
  /** Deletes sessions that expired before `before`; returns how many. */
  deleteExpiredSessions(before: string): Promise<number>;
}

/** Setup links of an organization; only the SHA-256 of each token is stored. */
export interface SetupLinkStore {
  create(orgId: string, input: { readonly id?: string; readonly tokenHash: string; readonly createdBy: string; readonly expiresAt: string }): Promise<SetupLinkRecord>;
  findByHash(tokenHash: string): Promise<SetupLinkRecord | undefined>;
  get(orgId: string, id: string): Promise<SetupLinkRecord | undefined>;
  /** The organization's links, newest first. */
  list(orgId: string): Promise<readonly SetupLinkRecord[]>;
  /** Sets `revokedAt` once; returns the link (unchanged when already revoked), else undefined. */
  revoke(orgId: string, id: string, at: string): Promise<SetupLinkRecord | undefined>;
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

/** What registering or replacing an extension schema stores. */
export interface NewSchemaExtension {
  readonly id: string;
  readonly resourceType: ExtensionResourceType;
  readonly required: boolean;
  readonly definition: SchemaDefinition;
}

/**
 * An organization's extension schemas (RFC 7643 §7), looked up by URN regardless of case, and the
 * stored resources that hold data under one of them.
 */
export interface SchemaExtensionStore {
  /** The organization's extension schemas, ordered by URN (lower-cased). */
  list(orgId: string): Promise<readonly SchemaExtensionRecord[]>;
  get(orgId: string, urn: string): Promise<SchemaExtensionRecord | undefined>;
  /**
   * Registers the schema (version 1) or replaces the one with the same URN (version + 1, its
   * creation time kept). `expectedVersion` guards a replacement: another version → `conflict`.
   */
  put(orgId: string, input: NewSchemaExtension, options?: WriteOptions): Promise<WriteResult<SchemaExtensionRecord>>;
  delete(orgId: string, urn: string): Promise<boolean>;
  /** How many users (or groups) of the organization hold an object under the URN key `urn`. */
  countUsing(orgId: string, resourceType: ExtensionResourceType, urn: string): Promise<number>;
  /**
   * Creates (if missing) the expression index that answers `urn:attribute eq "…"` for every
   * organization (extension-index.ts); returns its name. DDL: call it outside other transactions.
   */
  ensureIndex(resourceType: ExtensionResourceType, urn: string, attribute: string, caseExact: boolean): Promise<string>;
  /** The ids of those resources in id order, `limit` at a time after the id `after`. */
  idsUsing(orgId: string, resourceType: ExtensionResourceType, urn: string, page: { readonly after?: string; readonly limit: number }): Promise<readonly string[]>;
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
