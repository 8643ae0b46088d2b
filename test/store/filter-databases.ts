/**
 * Databases for the filter→SQL tests: SQLite in memory always, PostgreSQL whenever it is reachable
 * (a fresh `scimd_test_<random>` database, dropped afterwards). Under `CI=true` an unreachable
 * PostgreSQL is a failure, not a skip. Tables come from the store's own migrations and rows from
 * its own row mapping (resource-rows.ts), so the tests exercise the real layout.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { Kysely } from 'kysely';
import type { ScimResource } from '../../src/core/schema/types.ts';
import type { SqlCapabilities } from '../../src/store/capabilities.ts';
import type { Database } from '../../src/store/database.ts';
import { migrateToLatest } from '../../src/store/migrations/migrate.ts';
import { createPostgresStore } from '../../src/store/postgres/store.ts';
import { groupColumns, storedResource, userColumns, userValueRows } from '../../src/store/resource-rows.ts';
import type { SqlStore } from '../../src/store/sql/sql-store.ts';
import { createSqliteStore } from '../../src/store/sqlite/store.ts';
import type { GeneratedResource } from './filter-dataset.ts';

export interface TestDatabase {
  readonly name: string;
  readonly caps: SqlCapabilities;
  readonly db: Kysely<Database>;
  close(): Promise<void>;
}

/** The PostgreSQL server used by tests: the same one (and override) as the conformance harness. */
import { POSTGRES_ADMIN_URL } from './harness.ts';

export { POSTGRES_ADMIN_URL };

async function migrated(store: SqlStore): Promise<SqlStore> {
  const report = await migrateToLatest(store);
  if (report.error !== undefined) throw report.error;
  return store;
}

/** A migrated in-memory SQLite database. */
export async function openSqlite(): Promise<TestDatabase> {
  const store = await migrated(createSqliteStore({ path: ':memory:' }));
  return { name: 'sqlite', caps: store.capabilities, db: store.kysely, close: () => store.close() };
}

async function adminClient(): Promise<pg.Client | undefined> {
  const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    return client;
  } catch (error) {
    if (process.env['CI'] === 'true') throw new Error(`PostgreSQL is required under CI=true: ${String(error)}`, { cause: error });
    return undefined;
  }
}

/** A migrated PostgreSQL database of its own, or undefined when PostgreSQL is unreachable (not in CI). */
export async function openPostgres(): Promise<TestDatabase | undefined> {
  const admin = await adminClient();
  if (admin === undefined) return undefined;
  const name = `scimd_test_${randomBytes(6).toString('hex')}`;
  // An ICU default collation (where 'a' < 'B') proves comparisons never rely on the database's
  // collation being byte order, as it happens to be on a C-locale server.
  // PostgreSQL before 15 has no ICU default collation; there the plain database still runs the tests.
  await admin
    .query(`create database ${name} template template0 locale_provider icu icu_locale 'und'`)
    .catch(() => admin.query(`create database ${name}`));
  const url = new URL(POSTGRES_ADMIN_URL);
  url.pathname = `/${name}`;
  const store = await migrated(createPostgresStore({ connectionString: url.toString(), maxConnections: 2 }));
  return {
    name: 'postgres',
    caps: store.capabilities,
    db: store.kysely,
    async close() {
      await store.close();
      await admin.query(`drop database if exists ${name}`);
      await admin.end();
    },
  };
}

/** Every dialect available here: SQLite, then PostgreSQL when reachable. */
export async function openDatabases(): Promise<TestDatabase[]> {
  const postgres = await openPostgres();
  return postgres ? [await openSqlite(), postgres] : [await openSqlite()];
}

const bool = (caps: SqlCapabilities, value: boolean): number | boolean => (caps.booleanAsInteger ? (value ? 1 : 0) : value);

/** What the stores keep of one generated user, and the row values for it. */
export function storedUser(user: GeneratedResource): ScimResource {
  return storedResource(user.resource, user.id, { resourceType: 'User', created: user.created, lastModified: user.lastModified, version: 1 });
}

export function storedGroup(group: GeneratedResource): ScimResource {
  return storedResource(group.resource, group.id, { resourceType: 'Group', created: group.created, lastModified: group.lastModified, version: 1 });
}

async function insertUsers(target: TestDatabase, orgId: string, users: readonly GeneratedResource[]): Promise<void> {
  for (const user of users) {
    const resource = storedUser(user);
    const c = userColumns(resource);
    await target.db.insertInto('users').values({
      org_id: orgId, id: user.id, user_name: c.userName, user_name_lc: c.userNameLc, external_id: c.externalId,
      active: bool(target.caps, c.active), display_name: c.displayName, display_name_lc: c.displayNameLc,
      user_type: c.userType, primary_email_lc: c.primaryEmailLc, given_name: c.givenName, family_name: c.familyName,
      created_at: user.created, updated_at: user.lastModified, version: 1, resource: JSON.stringify(resource),
    }).execute();
    const rows = userValueRows(resource).map((r) => ({
      org_id: orgId, user_id: user.id, attr: r.attr, pos: r.pos, value: r.value, value_lc: r.valueLc, type: r.type,
      is_primary: bool(target.caps, r.isPrimary), elem: JSON.stringify(r.elem),
    }));
    if (rows.length > 0) await target.db.insertInto('user_values').values(rows).execute();
  }
}

/** Loads one organization's users, groups and memberships through the store's row mapping. */
export async function loadDataSet(
  target: TestDatabase,
  orgId: string,
  data: { users: readonly GeneratedResource[]; groups: readonly GeneratedResource[]; members: ReadonlyMap<string, readonly { value: string; type: 'User' | 'Group' }[]> },
): Promise<void> {
  const now = '2024-01-01T00:00:00.000Z';
  await target.db.insertInto('organizations').values({
    id: orgId, name: orgId, slug: orgId, scim_enabled: bool(target.caps, true), settings: '{}', created_at: now, updated_at: now,
  }).execute();
  await insertUsers(target, orgId, data.users);
  for (const group of data.groups) {
    const resource = storedGroup(group);
    const c = groupColumns(resource);
    await target.db.insertInto('groups').values({
      org_id: orgId, id: group.id, display_name: c.displayName, display_name_lc: c.displayNameLc, external_id: c.externalId,
      created_at: group.created, updated_at: group.lastModified, version: 1, resource: JSON.stringify(resource),
    }).execute();
    const rows = (data.members.get(group.id) ?? []).map((m) => ({
      org_id: orgId, group_id: group.id, member_id: m.value, member_type: m.type, created_at: now,
    }));
    if (rows.length > 0) await target.db.insertInto('memberships').values(rows).execute();
  }
}
