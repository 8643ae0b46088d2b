/**
 * Migration 0002: administration tables — API keys, roles, the audit trail, the event outbox and
 * leased jobs (DESIGN.md §3, §5). All lead with `org_id` and cascade with their organization.
 */
import type { Kysely, Migration } from 'kysely';
import { cascadeToOrg } from './0001-initial.ts';
import type { DdlDetails } from './ddl.ts';

type Db = Kysely<unknown>;

async function createApiKeysAndRoles(db: Db, ddl: DdlDetails) {
  await cascadeToOrg(
    db.schema
      .createTable('api_keys')
      .addColumn('org_id', 'text', (c) => c.notNull())
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('description', 'text', (c) => c.notNull())
      .addColumn('prefix', 'text', (c) => c.notNull())
      .addColumn('secret_hash', 'text', (c) => c.notNull().unique())
      .addColumn('scopes', ddl.json, (c) => c.notNull())
      .addColumn('ip_allowlist', ddl.json, (c) => c.notNull())
      .addColumn('expires_at', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('created_by', 'text')
      .addColumn('last_used_at', 'text')
      .addColumn('revoked_at', 'text')
      .addPrimaryKeyConstraint('api_keys_pk', ['org_id', 'id']),
    'api_keys',
  ).execute();
  await db.schema.createIndex('api_keys_id_idx').on('api_keys').column('id').unique().execute();
  await cascadeToOrg(
    db.schema
      .createTable('roles')
      .addColumn('org_id', 'text', (c) => c.notNull())
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('description', 'text')
      .addColumn('predefined', ddl.boolean, (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('roles_pk', ['org_id', 'id'])
      .addUniqueConstraint('roles_name_uq', ['org_id', 'name']),
    'roles',
  ).execute();
}

async function createEvents(db: Db, ddl: DdlDetails) {
  await cascadeToOrg(
    db.schema
      .createTable('audit_events')
      .addColumn('org_id', 'text', (c) => c.notNull())
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('occurred_at', 'text', (c) => c.notNull())
      .addColumn('actor_type', 'text', (c) => c.notNull())
      .addColumn('actor_id', 'text')
      .addColumn('actor_name', 'text', (c) => c.notNull())
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('resource_type', 'text', (c) => c.notNull())
      .addColumn('resource_id', 'text')
      .addColumn('request_id', 'text')
      .addColumn('source_ip', 'text')
      .addColumn('changes', ddl.json)
      .addPrimaryKeyConstraint('audit_events_pk', ['org_id', 'id']),
    'audit_events',
  ).execute();
  const indexes: Record<string, string[]> = {
    audit_events_occurred_at_idx: ['org_id', 'occurred_at', 'id'],
    audit_events_actor_idx: ['org_id', 'actor_id', 'id'],
    audit_events_actor_type_idx: ['org_id', 'actor_type', 'id'],
    audit_events_action_idx: ['org_id', 'action', 'id'],
    audit_events_resource_idx: ['org_id', 'resource_id', 'id'],
  };
  for (const [name, columns] of Object.entries(indexes)) await db.schema.createIndex(name).on('audit_events').columns(columns).execute();
  await cascadeToOrg(
    db.schema
      .createTable('outbox_events')
      .addColumn('org_id', 'text', (c) => c.notNull())
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('occurred_at', 'text', (c) => c.notNull())
      .addColumn('resource_type', 'text', (c) => c.notNull())
      .addColumn('resource_id', 'text')
      .addColumn('data', ddl.json)
      .addPrimaryKeyConstraint('outbox_events_pk', ['org_id', 'id']),
    'outbox_events',
  ).execute();
  await db.schema.createIndex('outbox_events_id_idx').on('outbox_events').column('id').execute();
}

async function createJobs(db: Db, ddl: DdlDetails) {
  await cascadeToOrg(
    db.schema
      .createTable('jobs')
      .addColumn('org_id', 'text', (c) => c.notNull())
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('dedupe_key', 'text')
      .addColumn('payload', ddl.json)
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('run_at', 'text', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull())
      .addColumn('max_attempts', 'integer', (c) => c.notNull())
      .addColumn('leased_by', 'text')
      .addColumn('lease_expires_at', 'text')
      .addColumn('last_error', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('jobs_pk', ['org_id', 'id'])
      .addUniqueConstraint('jobs_dedupe_uq', ['org_id', 'kind', 'dedupe_key']),
    'jobs',
  ).execute();
  await db.schema.createIndex('jobs_id_idx').on('jobs').column('id').unique().execute();
  await db.schema.createIndex('jobs_due_idx').on('jobs').columns(['status', 'run_at']).execute();
}

/** API keys, roles, audit events, outbox events and jobs. */
export function administrationMigration(ddl: DdlDetails): Migration {
  return {
    async up(db: Db) {
      await createApiKeysAndRoles(db, ddl);
      await createEvents(db, ddl);
      await createJobs(db, ddl);
    },
  };
}
