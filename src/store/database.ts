/**
 * The database layout as Kysely table types (snake_case, as stored). Timestamps are ISO-8601 UTC
 * text with milliseconds in both dialects; booleans are INTEGER 0/1 on SQLite and BOOLEAN on
 * PostgreSQL; JSON is TEXT on SQLite and JSONB on PostgreSQL (see capabilities.ts). Only the
 * adapters and the SQL compiler see these types — services see the records of rows.ts.
 */

/** A boolean column as read back: 0/1 on SQLite, true/false on PostgreSQL. */
export type SqlBoolean = number | boolean;
/** A JSON column: written as a JSON string, read back as a string (SQLite) or parsed (PostgreSQL). */
export type SqlJson = unknown;

export interface OrganizationsTable {
  id: string;
  name: string;
  slug: string;
  scim_enabled: SqlBoolean;
  settings: SqlJson;
  created_at: string;
  updated_at: string;
}

export interface UsersTable {
  org_id: string;
  id: string;
  user_name: string;
  user_name_lc: string;
  external_id: string | null;
  active: SqlBoolean;
  display_name: string | null;
  display_name_lc: string | null;
  user_type: string | null;
  primary_email_lc: string | null;
  given_name: string | null;
  family_name: string | null;
  created_at: string;
  updated_at: string;
  version: number;
  resource: SqlJson;
}

export interface UserValuesTable {
  org_id: string;
  user_id: string;
  attr: string;
  pos: number;
  value: string | null;
  value_lc: string | null;
  type: string | null;
  is_primary: SqlBoolean;
  elem: SqlJson;
}

export interface GroupsTable {
  org_id: string;
  id: string;
  display_name: string;
  display_name_lc: string;
  external_id: string | null;
  created_at: string;
  updated_at: string;
  version: number;
  resource: SqlJson;
}

export interface MembershipsTable {
  org_id: string;
  group_id: string;
  member_id: string;
  member_type: 'User' | 'Group';
  created_at: string;
}

export interface ApiKeysTable {
  org_id: string;
  id: string;
  type: string;
  description: string;
  prefix: string;
  secret_hash: string;
  scopes: SqlJson;
  ip_allowlist: SqlJson;
  expires_at: string | null;
  created_at: string;
  created_by: string | null;
  last_used_at: string | null;
  revoked_at: string | null;
}

export interface RolesTable {
  org_id: string;
  id: string;
  name: string;
  description: string | null;
  predefined: SqlBoolean;
  created_at: string;
  updated_at: string;
}

export interface AuditEventsTable {
  org_id: string;
  id: string;
  occurred_at: string;
  actor_type: string;
  actor_id: string | null;
  actor_name: string;
  action: string;
  resource_type: string;
  resource_id: string | null;
  request_id: string | null;
  source_ip: string | null;
  changes: SqlJson;
}

export interface OutboxEventsTable {
  org_id: string;
  id: string;
  type: string;
  occurred_at: string;
  resource_type: string;
  resource_id: string | null;
  data: SqlJson;
  /** Per-organization, strictly increasing in commit order (migration 0006). */
  sequence: number | null;
}

export interface EventSequencesTable {
  org_id: string;
  last_sequence: number;
  pruned_through: number;
}

export interface WebhookEndpointsTable {
  org_id: string;
  id: string;
  url: string;
  description: string | null;
  types: SqlJson;
  secret: string;
  previous_secret: string | null;
  previous_secret_until: string | null;
  status: string;
  disabled_reason: string | null;
  failing_since: string | null;
  cursor: number;
  leased_by: string | null;
  lease_expires_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface WebhookDeliveriesTable {
  org_id: string;
  id: string;
  endpoint_id: string;
  event_id: string;
  sequence: number;
  event_type: string;
  resource_key: string;
  status: string;
  attempts: number;
  next_attempt_at: string;
  leased_by: string | null;
  lease_expires_at: string | null;
  last_status: number | null;
  last_error: string | null;
  last_latency_ms: number | null;
  created_at: string;
  updated_at: string;
  delivered_at: string | null;
}

export interface WebhookAttemptsTable {
  org_id: string;
  id: string;
  delivery_id: string;
  endpoint_id: string;
  event_id: string;
  attempted_at: string;
  status_code: number | null;
  latency_ms: number;
  error: string | null;
  response_excerpt: string | null;
}

export interface JobsTable {
  org_id: string;
  id: string;
  kind: string;
  dedupe_key: string | null;
  payload: SqlJson;
  status: string;
  run_at: string;
  attempts: number;
  max_attempts: number;
  leased_by: string | null;
  lease_expires_at: string | null;
  last_error: string | null;
  created_at: string;
  updated_at: string;
}

export interface OperatorsTable {
  id: string;
  email: string;
  email_lc: string;
  password_hash: string;
  created_at: string;
  updated_at: string;
  last_login_at: string | null;
}

export interface OperatorSessionsTable {
  id: string;
  operator_id: string;
  token_hash: string;
  created_at: string;
  expires_at: string;
}

export interface SetupLinksTable {
  org_id: string;
  id: string;
  token_hash: string;
  created_by: string;
  created_at: string;
  expires_at: string;
  revoked_at: string | null;
}

export interface MailLogTable {
  org_id: string;
  id: string;
  created_at: string;
  kind: string;
  recipients: SqlJson;
  subject: string;
  body: string;
  transport: string;
  status: string;
  message_id: string | null;
  error: string | null;
}

export interface ScimActivityTable {
  org_id: string;
  hour: string;
  successes: number;
  errors: number;
  last_success_at: string | null;
  last_error_at: string | null;
}

export interface ScimErrorsTable {
  org_id: string;
  id: string;
  occurred_at: string;
  key_id: string | null;
  request_id: string | null;
  method: string;
  path: string;
  status: number;
  scim_type: string | null;
  detail: string;
  body: SqlJson;
}

/** Every table of the store, keyed by its real name. */
/** An organization's extension schema (RFC 7643 §7) and the resource type it extends. */
export interface SchemaExtensionsTable {
  org_id: string;
  id_lc: string;
  id: string;
  resource_type: string;
  required: SqlBoolean;
  definition: SqlJson;
  version: number;
  created_at: string;
  updated_at: string;
}

export interface SyncJobsTable {
  org_id: string;
  name: string;
  config: SqlJson;
  enabled: SqlBoolean;
  interval_minutes: number;
  next_run_at: string;
  created_at: string;
  updated_at: string;
}

export interface SyncLinksTable {
  job: string;
  object_type: string;
  source_key: string;
  target_id: string | null;
  state: string;
  source_hash: string | null;
  exported: SqlJson;
  members: SqlJson;
  last_error: string | null;
  failures: number;
  retry_at: string | null;
  updated_at: string;
}

export interface SyncWatermarksTable {
  job: string;
  object_type: string;
  value: string | null;
  fingerprint: string;
  updated_at: string;
}

export interface SyncRunsTable {
  job: string;
  id: string;
  kind: string;
  status: string;
  started_at: string;
  ended_at: string | null;
  summary: SqlJson;
  error: string | null;
}

export interface SyncLogsTable {
  job: string;
  id: string;
  run_id: string;
  at: string;
  object_type: string;
  source_key: string;
  target_id: string | null;
  action: string;
  status: string;
  reason: string | null;
  error_code: string | null;
  modified: SqlJson;
  /** JSON text of the entry's steps (migration 0015; null on older rows). */
  steps: string | null;
}

export interface SyncDeletionApprovalsTable {
  job: string;
  approved_at: string;
}

export interface SyncJobHealthTable {
  job: string;
  quarantine_reason: string | null;
  quarantine_code: string | null;
  quarantined_at: string | null;
  quarantine_step: number;
  notified_code: string | null;
  failure_mail_at: string | null;
  failure_mail_code: string | null;
  held_mail_at: string | null;
  held_mail_code: string | null;
  disabled_at: string | null;
  next_run_at: string | null;
  progress: SqlJson;
  updated_at: string;
}

export interface Database {
  organizations: OrganizationsTable;
  users: UsersTable;
  user_values: UserValuesTable;
  groups: GroupsTable;
  memberships: MembershipsTable;
  api_keys: ApiKeysTable;
  roles: RolesTable;
  audit_events: AuditEventsTable;
  outbox_events: OutboxEventsTable;
  jobs: JobsTable;
  operators: OperatorsTable;
  operator_sessions: OperatorSessionsTable;
  setup_links: SetupLinksTable;
  mail_log: MailLogTable;
  scim_activity: ScimActivityTable;
  scim_errors: ScimErrorsTable;
  schema_extensions: SchemaExtensionsTable;
  sync_jobs: SyncJobsTable;
  sync_links: SyncLinksTable;
  sync_watermarks: SyncWatermarksTable;
  sync_runs: SyncRunsTable;
  sync_logs: SyncLogsTable;
  sync_deletion_approvals: SyncDeletionApprovalsTable;
  sync_job_health: SyncJobHealthTable;
  event_sequences: EventSequencesTable;
  webhook_endpoints: WebhookEndpointsTable;
  webhook_deliveries: WebhookDeliveriesTable;
  webhook_attempts: WebhookAttemptsTable;
}
