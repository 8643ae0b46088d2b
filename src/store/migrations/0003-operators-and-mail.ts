/**
 * Migration 0003: the people and messages around administration —
 * operators (the vendor's staff) with their login sessions, setup links that let a customer admin
 * manage one organization, and the mail log of every notification scimd sends or records.
 * Operators and sessions belong to the deployment, not to a tenant, so they have no `org_id`;
 * setup links and mails lead with `org_id` and cascade with their organization.
 */
import type { Kysely, Migration } from 'kysely';
import { cascadeToOrg } from './0001-initial.ts';
import type { DdlDetails } from './ddl.ts';

type Db = Kysely<unknown>;

async function createOperators(db: Db) {
  await db.schema
    .createTable('operators')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('email_lc', 'text', (c) => c.notNull().unique())
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('last_login_at', 'text')
    .execute();
  await db.schema
    .createTable('operator_sessions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('operator_id', 'text', (c) => c.notNull().references('operators.id').onDelete('cascade'))
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('operator_sessions_operator_idx').on('operator_sessions').column('operator_id').execute();
  await db.schema.createIndex('operator_sessions_expires_at_idx').on('operator_sessions').column('expires_at').execute();
}

async function createSetupLinks(db: Db) {
  await cascadeToOrg(
    db.schema
      .createTable('setup_links')
      .addColumn('org_id', 'text', (c) => c.notNull())
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('token_hash', 'text', (c) => c.notNull().unique())
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .addColumn('revoked_at', 'text')
      .addPrimaryKeyConstraint('setup_links_pk', ['org_id', 'id']),
    'setup_links',
  ).execute();
  await db.schema.createIndex('setup_links_id_idx').on('setup_links').column('id').unique().execute();
}

async function createMailLog(db: Db, ddl: DdlDetails) {
  await cascadeToOrg(
    db.schema
      .createTable('mail_log')
      .addColumn('org_id', 'text', (c) => c.notNull())
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('recipients', ddl.json, (c) => c.notNull())
      .addColumn('subject', 'text', (c) => c.notNull())
      .addColumn('body', 'text', (c) => c.notNull())
      .addColumn('transport', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('message_id', 'text')
      .addColumn('error', 'text')
      .addPrimaryKeyConstraint('mail_log_pk', ['org_id', 'id']),
    'mail_log',
  ).execute();
}

/** Operators, operator sessions, setup links, the mail log, and an index for the expiry sweep. */
export function operatorsAndMailMigration(ddl: DdlDetails): Migration {
  return {
    async up(db: Db) {
      await createOperators(db);
      await createSetupLinks(db);
      await createMailLog(db, ddl);
      // The reminder sweep looks for keys expiring before a moment, across organizations.
      await db.schema.createIndex('api_keys_expires_at_idx').on('api_keys').column('expires_at').execute();
    },
  };
}
