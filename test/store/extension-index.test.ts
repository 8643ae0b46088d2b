/**
 * A filter on an extension attribute is answered through an expression index on its JSON path when
 * one exists (extension-index.ts): the compiled comparison spells the path literally, exactly as the
 * index does. Without the index the plan reads the organization's rows through `org_id`.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CompiledQuery, sql } from 'kysely';
import type { Kysely } from 'kysely';
import { parseFilter } from '../../src/core/filter/parser.ts';
import { userSchemas } from '../../src/core/schema/resource-types.ts';
import { URN } from '../../src/core/urns.ts';
import type { Database } from '../../src/store/database.ts';
import { extensionIndexStatement } from '../../src/store/extension-index.ts';
import { filterToSql } from '../../src/store/filter-to-sql.ts';
import { CUSTOM_SCHEMA, CUSTOM_URN, generateDataSet } from './filter-dataset.ts';
import { loadDataSet, openPostgres, openSqlite } from './filter-databases.ts';
import type { TestDatabase } from './filter-databases.ts';

const ORG = 'org-ext-index';
const schemas = userSchemas([CUSTOM_SCHEMA]);
const CASES = [
  { filter: `${CUSTOM_URN}:nickname eq "Ace"`, index: { table: 'users', urn: CUSTOM_URN, attribute: 'nickname', caseExact: true, name: 'users_acme_nickname_idx' } },
  { filter: `${URN.enterpriseUser}:department eq "sales"`, index: { table: 'users', urn: URN.enterpriseUser, attribute: 'department', caseExact: false, name: 'users_enterprise_department_idx' } },
] as const;

async function plan(db: TestDatabase, filter: string): Promise<string> {
  const where = filterToSql(parseFilter(filter), 'users', schemas, db.caps);
  if (db.caps.name === 'postgres') {
    return db.db.transaction().execute(async (trx: Kysely<Database>) => {
      await sql`set local enable_seqscan = off`.execute(trx);
      const rows = await trx.selectFrom('users').select('id').where('org_id', '=', ORG).where(where).explain();
      return rows.map((r) => String(r['QUERY PLAN'])).join('\n');
    });
  }
  const query = db.db.selectFrom('users').select('id').where('org_id', '=', ORG).where(where).compile();
  const result = await db.db.executeQuery<{ detail: string }>(CompiledQuery.raw(`explain query plan ${query.sql}`, [...query.parameters]));
  return result.rows.map((r) => r.detail).join('\n');
}

describe('filters on extension attributes and expression indexes', () => {
  const dbs: TestDatabase[] = [];
  before(async () => {
    const data = generateDataSet(7, 200, 10);
    for (const db of [await openSqlite(), await openPostgres()]) {
      if (db === undefined) continue;
      await loadDataSet(db, ORG, data);
      dbs.push(db);
    }
  });
  after(async () => {
    for (const db of dbs) await db.close();
  });

  for (const { filter, index } of CASES) {
    it(`answers ${filter} through ${index.name} once it exists, with the same users`, async () => {
      for (const db of dbs) {
        const ids = async () => (await db.db.selectFrom('users').select('id').where('org_id', '=', ORG).where(filterToSql(parseFilter(filter), 'users', schemas, db.caps)).orderBy('id').execute()).map((r) => r.id);
        const withoutIndex = await ids();
        assert.doesNotMatch(await plan(db, filter), new RegExp(index.name), db.caps.name);
        await extensionIndexStatement(db.caps, index).execute(db.db);
        await sql`analyze`.execute(db.db);
        const indexed = await plan(db, filter);
        assert.match(indexed, new RegExp(index.name), `${db.caps.name}: ${indexed}`);
        assert.deepEqual(await ids(), withoutIndex, db.caps.name);
        assert.ok(withoutIndex.length > 0, `${db.caps.name}: the data set has matches for ${filter}`);
      }
    });
  }
});
