/**
 * The store's domain records (camelCase). Services read and write these; the SQL adapters map them
 * to and from the snake_case rows of database.ts. A user or group record carries its canonical SCIM
 * resource (RFC 7643 §4) plus the indexed values the store extracted from it.
 */
import type { SchemaDefinition, ScimResource } from '../core/schema/types.ts';

/** A tenant (DESIGN.md §3). `settings` holds the organization's policies as plain JSON. */
export interface OrganizationRecord {
  readonly id: string;
  readonly name: string;
  readonly slug: string;
  readonly scimEnabled: boolean;
  readonly settings: Readonly<Record<string, unknown>>;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/**
 * A stored User (RFC 7643 §4.1). `resource` is canonical, without `groups` (computed from
 * memberships) and without `password`; it contains `id` and `meta` as the store wrote them.
 */
export interface UserRecord {
  readonly orgId: string;
  readonly id: string;
  readonly userName: string;
  readonly externalId: string | null;
  readonly active: boolean;
  readonly displayName: string | null;
  readonly userType: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
  /** Incremented on every change; the service derives the ETag from it (RFC 7644 §3.14). */
  readonly version: number;
  readonly resource: ScimResource;
  /**
   * `resource` as JSON text, when the store has it at hand: read from a database that keeps JSON
   * as text (SQLite), or just written (either database); a response can reuse it instead of
   * serialising the resource again. Absent on PostgreSQL reads (JSONB).
   */
  readonly resourceJson?: string;
  /**
   * The user's direct groups, ordered by group id, when the read asked for them (`withGroups`) and
   * the store read them in the same statement as the user (PostgreSQL); absent otherwise.
   */
  readonly groups?: readonly UserGroupRecord[];
}

/** A stored Group (RFC 7643 §4.2). `resource` never contains `members`: they are membership rows. */
export interface GroupRecord {
  readonly orgId: string;
  readonly id: string;
  readonly displayName: string;
  readonly externalId: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly version: number;
  readonly resource: ScimResource;
}

/** One member of a group, with a display name looked up from the member's own row. */
export interface MemberRecord {
  readonly value: string;
  readonly type: 'User' | 'Group';
  readonly display: string | null;
}

/** A group a user is a direct member of, for the user's `groups` attribute (RFC 7643 §4.1.2). */
export interface UserGroupRecord {
  readonly value: string;
  readonly display: string;
}

/** An API key: only a hash of the secret and a short visible prefix are stored (DESIGN.md §3). */
export interface ApiKeyRecord {
  readonly orgId: string;
  readonly id: string;
  readonly type: 'scim' | 'api';
  readonly description: string;
  readonly prefix: string;
  readonly secretHash: string;
  readonly scopes: readonly string[];
  /** CIDRs the key may be used from; empty means anywhere. */
  readonly ipAllowlist: readonly string[];
  readonly expiresAt: string | null;
  readonly createdAt: string;
  readonly createdBy: string | null;
  readonly lastUsedAt: string | null;
  readonly revokedAt: string | null;
}

/** A role a user's `userType` names exactly (DESIGN.md §3). */
export interface RoleRecord {
  readonly orgId: string;
  readonly id: string;
  readonly name: string;
  readonly description: string | null;
  readonly predefined: boolean;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** Who made a change: the SCIM System User (with the key), an admin, or the system itself. */
export type ActorType = 'scim' | 'admin' | 'system';

/** One revision-history entry; append-only. */
export interface AuditEventRecord {
  readonly orgId: string;
  readonly id: string;
  readonly occurredAt: string;
  readonly actorType: ActorType;
  readonly actorId: string | null;
  readonly actorName: string;
  readonly action: string;
  readonly resourceType: string;
  readonly resourceId: string | null;
  readonly requestId: string | null;
  readonly sourceIp: string | null;
  /** Changed attributes before/after; secrets are never put here. */
  readonly changes: unknown;
}

/** One event for the host application, written in the same transaction as the change (outbox). */
export interface OutboxEventRecord {
  readonly orgId: string;
  readonly id: string;
  readonly type: string;
  readonly occurredAt: string;
  readonly resourceType: string;
  readonly resourceId: string | null;
  readonly data: unknown;
  /** Per-organization, strictly increasing in commit order; null only while a write is in flight. */
  readonly sequence: number | null;
}

export type WebhookEndpointStatus = 'enabled' | 'disabled';

/** A host application's webhook endpoint; its signing secrets never leave the server except once. */
export interface WebhookEndpointRecord {
  readonly orgId: string;
  readonly id: string;
  readonly url: string;
  readonly description: string | null;
  /** Event types it receives; empty: every type. */
  readonly types: readonly string[];
  readonly secret: string;
  /** The secret before the last rotation, still signing until `previousSecretUntil`. */
  readonly previousSecret: string | null;
  readonly previousSecretUntil: string | null;
  readonly status: WebhookEndpointStatus;
  readonly disabledReason: string | null;
  /** When the current streak of failed attempts began (null after a success). */
  readonly failingSince: string | null;
  /** The last event sequence number turned into deliveries for it. */
  readonly cursor: number;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export type WebhookDeliveryStatus = 'pending' | 'leased' | 'delivered' | 'dead';

/** One event to deliver to one endpoint. */
export interface WebhookDeliveryRecord {
  readonly orgId: string;
  readonly id: string;
  readonly endpointId: string;
  readonly eventId: string;
  readonly sequence: number;
  readonly eventType: string;
  /** `User/<id>`, `Group/<id>` …: deliveries with one key go out one after another. */
  readonly resourceKey: string;
  readonly status: WebhookDeliveryStatus;
  readonly attempts: number;
  readonly nextAttemptAt: string;
  readonly leasedBy: string | null;
  readonly leaseExpiresAt: string | null;
  readonly lastStatus: number | null;
  readonly lastError: string | null;
  /** Milliseconds the last attempt took (null before the first, and for rows older than 0014). */
  readonly lastLatencyMs: number | null;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly deliveredAt: string | null;
}

/** One HTTP attempt of a delivery (the delivery log). */
export interface WebhookAttemptRecord {
  readonly orgId: string;
  readonly id: string;
  readonly deliveryId: string;
  readonly endpointId: string;
  readonly eventId: string;
  readonly attemptedAt: string;
  /** The response status; null when no response came (timeout, refused, blocked address). */
  readonly statusCode: number | null;
  readonly latencyMs: number;
  readonly error: string | null;
  readonly responseExcerpt: string | null;
}

export type JobStatus = 'pending' | 'leased' | 'done' | 'failed';

/** A background job; workers lease it for a while, then complete or fail it (DESIGN.md §5). */
export interface JobRecord {
  readonly orgId: string;
  readonly id: string;
  readonly kind: string;
  readonly dedupeKey: string | null;
  readonly payload: unknown;
  readonly status: JobStatus;
  readonly runAt: string;
  readonly attempts: number;
  readonly maxAttempts: number;
  readonly leasedBy: string | null;
  readonly leaseExpiresAt: string | null;
  readonly lastError: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** An operator: the vendor's staff member who manages every organization. */
export interface OperatorRecord {
  readonly id: string;
  readonly email: string;
  /** An argon2id PHC string; never leaves the services. */
  readonly passwordHash: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly lastLoginAt: string | null;
}

/** A login session of an operator; only the SHA-256 of its bearer token is stored. */
export interface OperatorSessionRecord {
  readonly id: string;
  readonly operatorId: string;
  readonly tokenHash: string;
  readonly createdAt: string;
  readonly expiresAt: string;
}

/** A time-limited link that lets its holder manage one organization's toggle, keys and history. */
export interface SetupLinkRecord {
  readonly orgId: string;
  readonly id: string;
  readonly tokenHash: string;
  /** Who created it (an operator's e-mail, or `scimd CLI`). */
  readonly createdBy: string;
  readonly createdAt: string;
  readonly expiresAt: string;
  readonly revokedAt: string | null;
}

/** How a mail left scimd: over SMTP, or only into this log (no SMTP configured). */
export type MailTransportKind = 'smtp' | 'log';

/** What became of a mail: delivered to the SMTP server, recorded only, failed, or not sendable. */
export type MailStatus = 'sent' | 'logged' | 'failed' | 'skipped';

/** One entry of an organization's mail log. */
export interface MailLogRecord {
  readonly orgId: string;
  readonly id: string;
  readonly createdAt: string;
  /** What the mail is about (`key-expiring`, `key-expired`, …). */
  readonly kind: string;
  readonly recipients: readonly string[];
  readonly subject: string;
  readonly body: string;
  readonly transport: MailTransportKind;
  readonly status: MailStatus;
  readonly messageId: string | null;
  readonly error: string | null;
}

/** SCIM request counts of one organization in one UTC hour (provisioning activity). */
export interface ActivityHourRecord {
  readonly orgId: string;
  /** `YYYY-MM-DDTHH`, UTC. */
  readonly hour: string;
  readonly successes: number;
  readonly errors: number;
  readonly lastSuccessAt: string | null;
  readonly lastErrorAt: string | null;
}

/** A failed SCIM request and the SCIM error body (RFC 7644 §3.12) the client received. */
export interface ScimErrorRecord {
  readonly orgId: string;
  readonly id: string;
  readonly occurredAt: string;
  readonly keyId: string | null;
  readonly requestId: string | null;
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly scimType: string | null;
  readonly detail: string;
  readonly body: unknown;
}

/** The resource types an organization's extension schema can extend. */
export type ExtensionResourceType = 'User' | 'Group';

/** An organization's extension schema (RFC 7643 §7) as registered, with its place in §3.3 `schemaExtensions`. */
export interface SchemaExtensionRecord {
  readonly orgId: string;
  /** The schema URN as registered (unique per organization regardless of case). */
  readonly id: string;
  readonly resourceType: ExtensionResourceType;
  /** Resources of the type must carry the extension (`schemaExtensions[].required`). */
  readonly required: boolean;
  /** The definition as `/Schemas` serves it, defaults filled in. */
  readonly definition: SchemaDefinition;
  /** 1 when registered, raised by every replacement. */
  readonly version: number;
  readonly createdAt: string;
  readonly updatedAt: string;
}
