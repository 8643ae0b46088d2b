/**
 * The PostgreSQL store's own VACUUM (src/store/postgres/vacuum.ts): when the server's autovacuum is
 * off it reclaims the row versions PATCHes leave in `users`; when it is on, it leaves the work to
 * PostgreSQL. Skipped without PostgreSQL.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import pg from 'pg';
import { autovacuumIsOn, vacuumIfNeeded } from '../../src/store/postgres/vacuum.ts';
import type { SqlStore } from '../../src/store/sql/sql-store.ts';
import { POSTGRES_ADMIN_URL, testDialects, type TestDialect } from './harness.ts';

const postgres = (await testDialects()).find((d) => d.name === 'postgres');

describe('the PostgreSQL store vacuums the tables it rewrites when autovacuum is off', { skip: postgres === undefined ? 'PostgreSQL is not reachable' : false }, () => {
  let dialect: TestDialect;
  let store: SqlStore;
  let pool: pg.Pool;
  before(async () => {
    dialect = postgres as TestDialect;
    store = await dialect.open();
    const { rows } = await sql<{ name: string }>`select current_database() as name`.execute(store.kysely);
    const url = new URL(POSTGRES_ADMIN_URL);
    url.pathname = `/${rows[0]?.name ?? ''}`;
    pool = new pg.Pool({ connectionString: url.toString(), max: 1 });
  });
  after(async () => {
    await pool.end();
    await dialect.close(store);
  });

  it('leaves no dead user rows behind after a run when autovacuum is off, and does nothing when it is on', async () => {
    const org = await store.organizations.create({ name: 'Vacuum', slug: 'vacuum' });
    const user = await store.users.create(org.id, { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'v@example.com' });
    let version = user.version;
    for (let i = 0; i < 50; i += 1) {
      const result = await store.users.replace(org.id, user.id, { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'v@example.com', displayName: `V${i}` }, { expectedVersion: version });
      assert.equal(result.status, 'ok');
      version += 1;
    }
    const on = await autovacuumIsOn(pool);
    const ran = await vacuumIfNeeded(pool);
    assert.equal(ran, !on);
    if (!ran) return;
    const { rows } = await pool.query<{ n: string }>("select count(*) as n from pg_stat_user_tables where relname = 'users' and last_vacuum is not null");
    assert.equal(Number(rows[0]?.n), 1, 'users was vacuumed');
  });
});

