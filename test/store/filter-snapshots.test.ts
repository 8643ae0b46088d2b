/**
 * Reviewable SQL (STYLE.md, "Do this" 9): the compiled SQL and parameters of the hot filters and
 * sorts, per dialect, compared with filter-snapshots.json. After an intended change, regenerate with
 * `UPDATE_SNAPSHOTS=1 node --import tsx --test test/store/filter-snapshots.test.ts` and review the diff.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import {
  DummyDriver,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
} from 'kysely';
import type { Expression } from 'kysely';
import { splitAttributePath } from '../../src/core/filter/attribute-path.ts';
import { parseFilter } from '../../src/core/filter/parser.ts';
import { groupSchemas, userSchemas } from '../../src/core/schema/resource-types.ts';
import { postgresCapabilities } from '../../src/store/postgres/capabilities.ts';
import { sqliteCapabilities } from '../../src/store/sqlite/capabilities.ts';
import type { SqlCapabilities } from '../../src/store/capabilities.ts';
import type { Database } from '../../src/store/database.ts';
import { filterToSql } from '../../src/store/filter-to-sql.ts';
import { sortExpression } from '../../src/store/sort.ts';

interface Compiled {
  readonly sql: string;
  readonly parameters: readonly unknown[];
}

interface Snapshot {
  readonly target: 'users' | 'groups';
  readonly filter?: string;
  readonly sortBy?: string;
  readonly sqlite: Compiled;
  readonly postgres: Compiled;
}

const FILE = new URL('./filter-snapshots.json', import.meta.url);

/** The hot queries of Entra ID and Okta (docs/clients.md), and the constructs reviewers should see. */
const CASES: readonly Omit<Snapshot, 'sqlite' | 'postgres'>[] = [
  { target: 'users', filter: 'userName eq "Test.User@Okta.local"' },
  { target: 'users', filter: 'externalId eq "jyoung"' },
  { target: 'users', filter: 'id eq "0192d433-65bc-7000-93a8-6873e965f700"' },
  { target: 'users', filter: 'emails[type eq "work"].value eq "bjensen@example.com"' },
  { target: 'users', filter: 'emails[type eq "work" and value co "@example.com"]' },
  { target: 'users', filter: 'active eq true' },
  { target: 'users', filter: 'meta.lastModified gt "2011-05-13T04:42:34Z"' },
  { target: 'users', filter: 'userName sw "j_doe%"' },
  { target: 'users', filter: 'externalId co "AB"' },
  { target: 'users', filter: 'name.familyName eq "O\'Malley"' },
  { target: 'users', filter: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber eq "701984"' },
  { target: 'users', filter: 'not (emails pr)' },
  { target: 'groups', filter: 'displayName eq "Sales"' },
  { target: 'groups', filter: 'externalId eq "g-1"' },
  { target: 'groups', filter: 'members[value eq "0192d433-65bc-7000-93a8-6873e965f700"]' },
  { target: 'groups', filter: 'id eq "0192d433-0000-7000-8000-000000000001" and members[value eq "0192d433-65bc-7000-93a8-6873e965f700"]' },
  { target: 'users', sortBy: 'userName' },
  { target: 'users', sortBy: 'emails' },
  { target: 'users', sortBy: 'name.familyName' },
  { target: 'users', sortBy: 'meta.created' },
  { target: 'users', sortBy: 'phoneNumbers.type' },
  { target: 'groups', sortBy: 'displayName' },
];

const kysely = (caps: SqlCapabilities): Kysely<Database> =>
  new Kysely<Database>({
    dialect:
      caps.name === 'sqlite'
        ? {
            createAdapter: () => new SqliteAdapter(),
            createDriver: () => new DummyDriver(),
            createIntrospector: (db) => new SqliteIntrospector(db),
            createQueryCompiler: () => new SqliteQueryCompiler(),
          }
        : {
            createAdapter: () => new PostgresAdapter(),
            createDriver: () => new DummyDriver(),
            createIntrospector: (db) => new PostgresIntrospector(db),
            createQueryCompiler: () => new PostgresQueryCompiler(),
          },
  });

const DIALECTS = [
  { name: 'sqlite', caps: sqliteCapabilities, db: kysely(sqliteCapabilities) },
  { name: 'postgres', caps: postgresCapabilities, db: kysely(postgresCapabilities) },
] as const;

function compileCase(entry: Omit<Snapshot, 'sqlite' | 'postgres'>, db: Kysely<Database>, caps: SqlCapabilities): Compiled {
  const schemas = entry.target === 'users' ? userSchemas() : groupSchemas();
  const base = db.selectFrom(entry.target).select('id').where('org_id', '=', 'org-1');
  if (entry.filter !== undefined) {
    const query = base.where(filterToSql(parseFilter(entry.filter), entry.target, schemas, caps)).compile();
    return { sql: query.sql, parameters: query.parameters };
  }
  const path = splitAttributePath(entry.sortBy ?? '');
  if (!path.ok) throw new Error(path.reason);
  const order: Expression<unknown> = sortExpression(path.path, entry.target, schemas, caps);
  const query = base.orderBy(order).orderBy('id').compile();
  return { sql: query.sql, parameters: query.parameters };
}

function current(): Snapshot[] {
  return CASES.map((entry) => {
    const [sqlite, postgres] = DIALECTS.map((d) => compileCase(entry, d.db, d.caps)) as [Compiled, Compiled];
    return { ...entry, sqlite, postgres };
  });
}

describe('the compiled SQL of the hot filters and sorts matches the reviewed snapshots', () => {
  const snapshots = current();
  if (process.env['UPDATE_SNAPSHOTS'] === '1') writeFileSync(FILE, `${JSON.stringify(snapshots, null, 2)}\n`);
  const expected = JSON.parse(readFileSync(FILE, 'utf8')) as Snapshot[];

  it('has one snapshot per case, in order', () => {
    assert.deepEqual(
      expected.map((s) => s.filter ?? `sortBy=${s.sortBy}`),
      snapshots.map((s) => s.filter ?? `sortBy=${s.sortBy}`),
    );
  });

  for (const [index, snapshot] of snapshots.entries()) {
    const label = snapshot.filter ?? `sortBy=${snapshot.sortBy}`;
    it(`compiles ${label} on ${snapshot.target} to the reviewed SQL on SQLite and PostgreSQL`, () => {
      assert.deepEqual(snapshot, expected[index]);
    });
  }

  it('binds every filter literal as a parameter, never in the SQL text', () => {
    for (const snapshot of snapshots.filter((s) => s.filter !== undefined)) {
      for (const dialect of ['sqlite', 'postgres'] as const) {
        assert.doesNotMatch(snapshot[dialect].sql, /example\.com|Okta|jyoung|Sales|701984|Malley/i, label(snapshot));
      }
    }
  });
});

const label = (snapshot: Snapshot): string => snapshot.filter ?? `sortBy=${snapshot.sortBy}`;
