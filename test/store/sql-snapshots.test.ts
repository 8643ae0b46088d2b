/**
 * Reviewable SQL (STYLE.md, "do this" 9): the statements of the store's hot paths — get by id,
 * userName lookup, paging by id and by cursor, membership add/remove/page, a user's groups — are
 * captured per dialect and compared with sql-snapshots.fixtures.json. On PostgreSQL, EXPLAIN shows
 * they use indexes (with sequential scans disabled, as the tables are small here).
 * Set UPDATE_SNAPSHOTS=1 to rewrite the fixtures after an intended change.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../src/store/database.ts';
import type { SqlStore } from '../../src/store/sql/sql-store.ts';
import type { QueryEvent } from '../../src/store/sql/options.ts';
import { group, user } from './fixtures.ts';
import { testDialects } from './harness.ts';

const FIXTURES = new URL('./sql-snapshots.fixtures.json', import.meta.url);
type Snapshots = Record<string, Record<string, string[]>>;
const snapshots = JSON.parse(readFileSync(FIXTURES, 'utf8')) as Snapshots;
const update = process.env['UPDATE_SNAPSHOTS'] === '1';

const ORG = '00000000-0000-7000-8000-000000000001';
const USER = '00000000-0000-7000-8000-000000000002';
const GROUP = '00000000-0000-7000-8000-000000000003';

type Run = (store: SqlStore) => Promise<unknown>;
const HOT_PATHS: Record<string, Run> = {
  'users.get': (s) => s.users.get(ORG, USER),
  'users.findByUserName': (s) => s.users.findByUserName(ORG, 'Ada@Example.com'),
  'users.list first page': (s) => s.users.list(ORG, { count: 100, includeTotal: false }),
  'users.list cursor page': async (s) => {
    const first = await s.users.list(ORG, { count: 1, cursor: '', includeTotal: false });
    return s.users.list(ORG, { count: 1, cursor: first.nextCursor ?? '', includeTotal: false });
  },
  'groups.get': (s) => s.groups.get(ORG, GROUP),
  'groups.applyMembershipDelta add': (s) => s.groups.applyMembershipDelta(ORG, GROUP, { add: [{ value: USER }], remove: [] }),
  'groups.applyMembershipDelta remove': (s) => s.groups.applyMembershipDelta(ORG, GROUP, { add: [], remove: [USER] }),
  'groups.listMembers': (s) => s.groups.listMembers(ORG, GROUP, { after: USER, limit: 100 }),
  'groups.countMembers': (s) => s.groups.countMembers(ORG, GROUP),
  'users.groupsOf': (s) => s.users.groupsOf(ORG, USER),
};

const dialects = await testDialects();
describe('hot-path SQL snapshots', () => {
  for (const dialect of dialects) {
    describe(dialect.name, () => {
      let store: SqlStore;
      let log: QueryEvent[] = [];
      before(async () => {
        store = await dialect.open({ onQuery: (e) => log.push(e) });
        await store.organizations.create({ id: ORG, name: 'Acme', slug: 'acme' });
        await store.users.create(ORG, user('ada@example.com'), { id: USER });
        await store.users.create(ORG, user('bob@example.com'));
        await store.groups.create(ORG, group('Team'), { id: GROUP });
      });
      after(async () => {
        if (update) writeFileSync(FIXTURES, `${JSON.stringify(snapshots, null, 2)}\n`);
        await dialect.close(store);
      });

      for (const [name, run] of Object.entries(HOT_PATHS)) {
        it(`issues the expected SQL for ${name}`, async () => {
          log = [];
          await run(store);
          const statements = log.map((e) => e.sql);
          if (update) (snapshots[dialect.name] ??= {})[name] = statements;
          else assert.deepEqual(statements, snapshots[dialect.name]?.[name]);
        });
      }

      if (dialect.name === 'postgres') {
        it('serves the hot reads from indexes, never a sequential scan of users, groups or memberships', async () => {
          await store.kysely.connection().execute(async (conn) => {
            await sql`set enable_seqscan = off`.execute(conn);
            for (const name of ['users.get', 'users.findByUserName', 'users.list cursor page', 'groups.listMembers', 'users.groupsOf', 'groups.countMembers']) {
              log = [];
              const run = HOT_PATHS[name] ?? assert.fail(name);
              await run(store);
              const captured = log.filter((e) => /^select/.test(e.sql));
              for (const event of captured) {
                const plan = await explain(conn, event);
                assert.doesNotMatch(plan, /Seq Scan on (users|groups|memberships)/, `${name}:\n${event.sql}\n${plan}`);
                assert.match(plan, /Index|Result/, `${name} uses an index:\n${plan}`);
              }
            }
          });
        });
      }
    });
  }
});

/** EXPLAIN of a captured statement with its parameters inlined as literals. */
async function explain(conn: Kysely<Database>, event: QueryEvent): Promise<string> {
  const literal = (p: unknown) => (p === null ? 'null' : typeof p === 'number' ? String(p) : `'${String(p).replace(/'/g, "''")}'`);
  const text = event.sql.replace(/\$(\d+)/g, (_, n: string) => literal(event.parameters[Number(n) - 1]));
  const { rows } = await sql.raw<{ 'QUERY PLAN': string }>(`explain ${text}`).execute(conn);
  return rows.map((r) => r['QUERY PLAN']).join('\n');
}
