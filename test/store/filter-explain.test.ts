/**
 * The hot filters (Entra ID and Okta lookups, docs/clients.md) are answered through indexes: their
 * query plans name the expected index and never scan a whole table. PostgreSQL is checked with
 * sequential scans disabled (the test data set is small); SQLite with EXPLAIN QUERY PLAN.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CompiledQuery, sql } from 'kysely';
import type { Kysely } from 'kysely';
import { parseFilter } from '../../src/core/filter/parser.ts';
import { groupSchemas, userSchemas } from '../../src/core/schema/resource-types.ts';
import type { Database } from '../../src/store/database.ts';
import { filterToSql } from '../../src/store/filter-to-sql.ts';
import { generateDataSet } from './filter-dataset.ts';
import { loadDataSet, openPostgres, openSqlite } from './filter-databases.ts';
import type { TestDatabase } from './filter-databases.ts';

const ORG = 'org-explain';
const ID = '0192d433-65bc-7000-93a8-6873e965f700';

/**
 * Filter, table, and the index each dialect must use for it. SQLite names the indexes of UNIQUE and
 * PRIMARY KEY constraints `sqlite_autoindex_*`, so its plans are matched on the searched columns.
 */
const HOT: readonly { filter: string; target: 'users' | 'groups'; postgres: RegExp; sqlite: RegExp }[] = [
  { filter: 'userName eq "bjensen@example.com"', target: 'users', postgres: /users_user_name_lc_uq/, sqlite: /SEARCH users USING .*INDEX \S+ \(org_id=\? AND user_name_lc=\?\)/ },
  { filter: 'externalId eq "jyoung"', target: 'users', postgres: /users_external_id_idx/, sqlite: /users_external_id_idx/ },
  { filter: `id eq "${ID}"`, target: 'users', postgres: /users_pk/, sqlite: /SEARCH users USING .*INDEX \S+ \(org_id=\? AND id=\?\)/ },
  { filter: 'emails[type eq "work"].value eq "bjensen@example.com"', target: 'users', postgres: /user_values_value_lc_idx/, sqlite: /user_values_value_lc_idx|user_values_pk|PRIMARY KEY/ },
  { filter: 'emails.value eq "bjensen@example.com"', target: 'users', postgres: /user_values_value_lc_idx/, sqlite: /user_values_value_lc_idx|user_values_pk|PRIMARY KEY/ },
  { filter: 'meta.lastModified gt "2030-01-01T00:00:00Z"', target: 'users', postgres: /users_updated_at_idx/, sqlite: /users_updated_at_idx/ },
  { filter: 'displayName eq "Sales"', target: 'groups', postgres: /groups_display_name_lc_uq/, sqlite: /SEARCH groups USING .*INDEX \S+ \(org_id=\? AND display_name_lc=\?\)/ },
  { filter: 'externalId eq "g-1"', target: 'groups', postgres: /groups_external_id_idx/, sqlite: /groups_external_id_idx/ },
  { filter: `members[value eq "${ID}"]`, target: 'groups', postgres: /memberships_member_idx/, sqlite: /memberships_member_idx|memberships_pk|PRIMARY KEY/ },
  { filter: `id eq "${ID}" and members[value eq "${ID}"]`, target: 'groups', postgres: /groups_pk/, sqlite: /SEARCH groups USING .*INDEX \S+ \(org_id=\? AND id=\?\)/ },
];

function whereOf(entry: (typeof HOT)[number], db: TestDatabase) {
  const schemas = entry.target === 'users' ? userSchemas() : groupSchemas();
  return filterToSql(parseFilter(entry.filter), entry.target, schemas, db.caps);
}

async function postgresPlan(db: TestDatabase, entry: (typeof HOT)[number]): Promise<string> {
  return db.db.transaction().execute(async (trx: Kysely<Database>) => {
    await sql`set local enable_seqscan = off`.execute(trx);
    const rows = await trx.selectFrom(entry.target).select('id').where('org_id', '=', ORG).where(whereOf(entry, db)).explain();
    return rows.map((r) => String(r['QUERY PLAN'])).join('\n');
  });
}

async function sqlitePlan(db: TestDatabase, entry: (typeof HOT)[number]): Promise<string> {
  const query = db.db.selectFrom(entry.target).select('id').where('org_id', '=', ORG).where(whereOf(entry, db)).compile();
  const result = await db.db.executeQuery<{ detail: string }>(CompiledQuery.raw(`explain query plan ${query.sql}`, [...query.parameters]));
  return result.rows.map((r) => r.detail).join('\n');
}

describe('the hot filters are answered through indexes', () => {
  let sqlite: TestDatabase;
  let postgres: TestDatabase | undefined;
  const data = generateDataSet(99, 200, 30);

  before(async () => {
    sqlite = await openSqlite();
    postgres = await openPostgres();
    for (const db of [sqlite, postgres]) {
      if (db === undefined) continue;
      await loadDataSet(db, ORG, data);
      await sql`analyze`.execute(db.db);
    }
  });

  after(async () => {
    await sqlite.close();
    await postgres?.close();
  });

  for (const entry of HOT) {
    it(`uses ${entry.postgres.source} on PostgreSQL for ${entry.filter}`, async (t) => {
      if (postgres === undefined) return t.skip('PostgreSQL is not reachable (required under CI=true)');
      const plan = await postgresPlan(postgres, entry);
      assert.match(plan, entry.postgres, plan);
      assert.doesNotMatch(plan, /Seq Scan/, plan);
    });

    it(`searches an index on SQLite for ${entry.filter}`, async () => {
      const plan = await sqlitePlan(sqlite, entry);
      assert.match(plan, entry.sqlite, plan);
      assert.doesNotMatch(plan, /^SCAN (users|groups|user_values|memberships)\b/m, plan);
    });
  }
});
