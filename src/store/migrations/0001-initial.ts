/**
 * Migration 0001: the whole initial layout (docs/storage.md). Every table leads with `org_id`;
 * timestamps are ISO-8601 text; indexes serve the hot lookups, keyset paging and memberships both ways.
 */
import { sql, type CreateTableBuilder, type Kysely, type Migration } from 'kysely';
import type { DdlDetails } from './ddl.ts';

const sqlMemberType = sql<boolean>`member_type in ('User', 'Group')`;

// Migrations are frozen in time: they use an untyped handle, not today's Database type.
type Db = Kysely<unknown>;

/** Adds the `org_id → organizations(id) ON DELETE CASCADE` foreign key. */
export const cascadeToOrg = <T extends string, C extends string>(t: CreateTableBuilder<T, C>, name: string) =>
  t.addForeignKeyConstraint(`${name}_org_fk`, ['org_id'] as C[], 'organizations', ['id'], (fk) => fk.onDelete('cascade'));

function compact<T extends string, C extends string>(t: CreateTableBuilder<T, C>, ddl: DdlDetails) {
  const suffix = ddl.compactTable;
  return suffix === undefined ? t : t.modifyEnd(suffix);
}

async function createOrganizations(db: Db, ddl: DdlDetails) {
  await db.schema
    .createTable('organizations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('slug', 'text', (c) => c.notNull().unique())
    .addColumn('scim_enabled', ddl.boolean, (c) => c.notNull())
    .addColumn('settings', ddl.json, (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
}

async function createUsers(db: Db, ddl: DdlDetails) {
  let users = db.schema
    .createTable('users')
    .addColumn('org_id', 'text', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull());
  for (const column of ['user_name', 'user_name_lc']) users = users.addColumn(column, 'text', (c) => c.notNull());
  for (const column of ['external_id']) users = users.addColumn(column, 'text');
  users = users.addColumn('active', ddl.boolean, (c) => c.notNull());
  for (const column of ['display_name', 'display_name_lc', 'user_type', 'primary_email_lc', 'given_name', 'family_name']) {
    users = users.addColumn(column, 'text');
  }
  await cascadeToOrg(
    users
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('resource', ddl.json, (c) => c.notNull())
      .addPrimaryKeyConstraint('users_pk', ['org_id', 'id'])
      .addUniqueConstraint('users_user_name_lc_uq', ['org_id', 'user_name_lc'] as never[]),
    'users',
  ).execute();
  // Equality lookups list in id order, so each index ends with `id`: the filter and the ORDER BY
  // (and a keyset cursor) are then served by one index range, whatever the planner's statistics.
  const indexes: Record<string, string[]> = {
    users_external_id_idx: ['org_id', 'external_id', 'id'],
    users_display_name_lc_idx: ['org_id', 'display_name_lc', 'id'],
    users_primary_email_lc_idx: ['org_id', 'primary_email_lc', 'id'],
    users_user_type_idx: ['org_id', 'user_type', 'id'],
    users_active_idx: ['org_id', 'active', 'id'],
    users_updated_at_idx: ['org_id', 'updated_at', 'id'],
  };
  for (const [name, columns] of Object.entries(indexes)) await db.schema.createIndex(name).on('users').columns(columns).execute();
  await compact(
    db.schema
      .createTable('user_values')
      .addColumn('org_id', 'text', (c) => c.notNull())
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('attr', 'text', (c) => c.notNull())
      .addColumn('pos', 'integer', (c) => c.notNull())
      .addColumn('value', 'text')
      .addColumn('value_lc', 'text')
      .addColumn('type', 'text')
      .addColumn('is_primary', ddl.boolean, (c) => c.notNull())
      .addColumn('elem', ddl.json, (c) => c.notNull())
      .addPrimaryKeyConstraint('user_values_pk', ['org_id', 'user_id', 'attr', 'pos'])
      .addForeignKeyConstraint('user_values_user_fk', ['org_id', 'user_id'], 'users', ['org_id', 'id'], (fk) => fk.onDelete('cascade')),
    ddl,
  ).execute();
  await db.schema.createIndex('user_values_value_lc_idx').on('user_values').columns(['org_id', 'attr', 'value_lc']).execute();
}

async function createGroups(db: Db, ddl: DdlDetails) {
  await cascadeToOrg(
    db.schema
      .createTable('groups')
      .addColumn('org_id', 'text', (c) => c.notNull())
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('display_name', 'text', (c) => c.notNull())
      .addColumn('display_name_lc', 'text', (c) => c.notNull())
      .addColumn('external_id', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('resource', ddl.json, (c) => c.notNull())
      .addPrimaryKeyConstraint('groups_pk', ['org_id', 'id'])
      .addUniqueConstraint('groups_display_name_lc_uq', ['org_id', 'display_name_lc']),
    'groups',
  ).execute();
  await db.schema.createIndex('groups_external_id_idx').on('groups').columns(['org_id', 'external_id', 'id']).execute();
  await compact(
    db.schema
      .createTable('memberships')
      .addColumn('org_id', 'text', (c) => c.notNull())
      .addColumn('group_id', 'text', (c) => c.notNull())
      .addColumn('member_id', 'text', (c) => c.notNull())
      .addColumn('member_type', 'text', (c) => c.notNull().check(sqlMemberType))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('memberships_pk', ['org_id', 'group_id', 'member_id'])
      .addForeignKeyConstraint('memberships_group_fk', ['org_id', 'group_id'], 'groups', ['org_id', 'id'], (fk) => fk.onDelete('cascade')),
    ddl,
  ).execute();
  await db.schema.createIndex('memberships_member_idx').on('memberships').columns(['org_id', 'member_id', 'group_id']).execute();
}


/** The initial layout of every table. */
export function initialMigration(ddl: DdlDetails): Migration {
  return {
    async up(db: Db) {
      await createOrganizations(db, ddl);
      await createUsers(db, ddl);
      await createGroups(db, ddl);
    },
  };
}
