/**
 * The SQL compiler against the oracle: for a few hundred generated filters over a generated data
 * set, the ids SQL returns equal the ids the in-memory matcher accepts, on every dialect available
 * (SQLite always, PostgreSQL when reachable — required under CI=true).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { parseFilter } from '../../src/core/filter/parser.ts';
import { matchFilter } from '../../src/core/filter/match.ts';
import { isScimError } from '../../src/core/scim-error.ts';
import { groupSchemas, userSchemas } from '../../src/core/schema/resource-types.ts';
import type { ResourceSchemas, ScimResource } from '../../src/core/schema/types.ts';
import { filterToSql } from '../../src/store/filter-to-sql.ts';
import { CUSTOM_SCHEMA, createRandom, generateDataSet } from './filter-dataset.ts';
import { loadDataSet, openDatabases, storedGroup, storedUser } from './filter-databases.ts';
import type { TestDatabase } from './filter-databases.ts';
import { createFilterGenerator } from './filter-generator.ts';

const SEED = Number(process.env['FILTER_SEED'] ?? 20261123);
const FILTERS_PER_TARGET = Number(process.env['FILTER_COUNT'] ?? 300);
const ORG = 'org-diff';
const OTHER_ORG = 'org-other';

const data = generateDataSet(SEED, 300, 60);
const other = generateDataSet(SEED + 1, 30, 5);
const users = userSchemas([CUSTOM_SCHEMA]);
const groups = groupSchemas();

/** The resources as the matcher sees them: stored JSON plus computed `groups` / `members`. */
function matcherResources(): { users: ScimResource[]; groups: ScimResource[] } {
  const groupsOf = new Map<string, { value: string; display: string; type: string }[]>();
  for (const group of data.groups) {
    for (const member of data.members.get(group.id) ?? []) {
      const list = groupsOf.get(member.value) ?? [];
      list.push({ value: group.id, display: String(group.resource['displayName']), type: 'direct' });
      groupsOf.set(member.value, list);
    }
  }
  return {
    users: data.users.map((u) => {
      const list = groupsOf.get(u.id);
      return list ? { ...storedUser(u), groups: list } : storedUser(u);
    }),
    groups: data.groups.map((g) => {
      const list = data.members.get(g.id) ?? [];
      return list.length > 0 ? { ...storedGroup(g), members: list } : storedGroup(g);
    }),
  };
}

async function sqlIds(target: TestDatabase, table: 'users' | 'groups', text: string, schemas: ResourceSchemas): Promise<string[]> {
  const where = filterToSql(parseFilter(text), table, schemas, target.caps);
  const rows = await target.db
    .selectFrom(table)
    .select('id')
    .where(sql.ref(`${table}.org_id`), '=', ORG)
    .where(where)
    .orderBy('id')
    .execute();
  return rows.map((r) => r.id);
}

function oracleIds(resources: readonly ScimResource[], text: string, schemas: ResourceSchemas): string[] {
  const filter = parseFilter(text);
  return resources.filter((r) => matchFilter(filter, r, schemas)).map((r) => String(r['id'])).sort();
}

/** Runs both sides; a filter the matcher rejects must be rejected by SQL with the same error. */
async function compareOne(target: TestDatabase, table: 'users' | 'groups', text: string, resources: readonly ScimResource[], schemas: ResourceSchemas): Promise<'matched' | 'rejected'> {
  let expected: string[] | Error;
  try {
    expected = oracleIds(resources, text, schemas);
  } catch (error) {
    if (!isScimError(error)) throw error;
    expected = error;
  }
  if (expected instanceof Error) {
    await assert.rejects(sqlIds(target, table, text, schemas), (e: unknown) => isScimError(e) && e.detail === (expected as Error).message, text);
    return 'rejected';
  }
  const actual = await sqlIds(target, table, text, schemas);
  assert.deepEqual(actual, expected, `${target.name}: ${text}`);
  return 'matched';
}

describe('filters compiled to SQL return exactly what the in-memory matcher accepts', () => {
  let databases: TestDatabase[] = [];
  const resources = matcherResources();

  before(async () => {
    databases = await openDatabases();
    for (const db of databases) {
      await loadDataSet(db, ORG, data);
      await loadDataSet(db, OTHER_ORG, other);
    }
  });

  after(async () => {
    for (const db of databases) await db.close();
  });

  for (const table of ['users', 'groups'] as const) {
    it(`agrees on ${FILTERS_PER_TARGET} generated ${table} filters on every available dialect`, async (t) => {
      const schemas = table === 'users' ? users : groups;
      const list = table === 'users' ? resources.users : resources.groups;
      const generator = createFilterGenerator(createRandom(SEED + (table === 'users' ? 7 : 11)), table, list, schemas);
      const filters = Array.from({ length: FILTERS_PER_TARGET }, () => generator.next());
      for (const db of databases) {
        let matched = 0;
        let nonEmpty = 0;
        for (const text of filters) {
          if ((await compareOne(db, table, text, list, schemas)) === 'matched') {
            matched += 1;
            if (oracleIds(list, text, schemas).length > 0) nonEmpty += 1;
          }
        }
        t.diagnostic(`${db.name}: ${matched} filters compared, ${nonEmpty} with a non-empty answer`);
        // The generator must exercise real comparisons, not only type errors or empty answers.
        assert.ok(matched > FILTERS_PER_TARGET * 0.7, `${db.name}: only ${matched} filters compiled`);
        assert.ok(nonEmpty > matched * 0.3, `${db.name}: only ${nonEmpty} filters matched anything`);
      }
    });
  }
});
