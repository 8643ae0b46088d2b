import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { namedStatementPool } from './named-statements.ts';

const ADMIN_URL = process.env['SCIMD_TEST_POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const DB = `scimd_named_statements_${process.pid}`;

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  await client.query(sql).finally(() => client.end());
}

describe('named prepared statements on PostgreSQL', async () => {
  const reachable = await admin('select 1').then(() => true, () => false);
  let pool: pg.Pool;
  const url = new URL(ADMIN_URL);
  url.pathname = `/${DB}`;
  before(async () => {
    if (!reachable) return;
    await admin(`create database ${DB}`);
    pool = new pg.Pool({ connectionString: url.toString(), max: 1 });
    await pool.query('create table t (id integer primary key, name text)');
    await pool.query("insert into t values (1, 'one'), (2, 'two')");
  });
  after(async () => {
    if (!reachable) return;
    await pool.end();
    await admin(`drop database if exists ${DB} with (force)`);
  });

  /** The names of the statements prepared on the connection of `client`. */
  const prepared = async (client: { query: (sql: string, values: unknown[]) => Promise<{ rows: { name: string }[] }> }): Promise<string[]> =>
    (await client.query('select name from pg_prepared_statements order by name', [])).rows.map((r) => r.name);

  it('prepares a statement under a name from its second use on, and reuses it', { skip: !reachable }, async () => {
    const named = namedStatementPool(pool);
    const client = await named.connect();
    try {
      const run = async (id: number) => (await client.query<{ name: string }>('select name from t where id = $1', [id])).rows[0]?.name;
      assert.equal(await run(1), 'one');
      assert.deepEqual(await prepared(client as never), []);
      assert.equal(await run(2), 'two');
      assert.deepEqual(await prepared(client as never), ['scimd_1']);
      assert.equal(await run(1), 'one');
      assert.deepEqual(await prepared(client as never), ['scimd_1']);
      // Statements without parameters (BEGIN, COMMIT) stay unnamed.
      await client.query('select count(*) from t', []);
      await client.query('select count(*) from t', []);
      assert.deepEqual(await prepared(client as never), ['scimd_1']);
    } finally {
      client.release();
    }
  });

  it('renames and retries a prepared SELECT * after its table gained a column', { skip: !reachable }, async () => {
    // A pool of its own: names are per connection, and node-postgres remembers them per client.
    const own = new pg.Pool({ connectionString: url.toString(), max: 1 });
    const named = namedStatementPool(own);
    const client = await named.connect();
    try {
      const run = async () => (await client.query<Record<string, unknown>>('select * from t where id = $1', [1])).rows[0];
      await run();
      await run();
      await client.query('alter table t add column extra text', []);
      assert.deepEqual(await run(), { id: 1, name: 'one', extra: null });
      assert.deepEqual(await run(), { id: 1, name: 'one', extra: null });
      assert.equal((await prepared(client as never)).length, 2, 'the old name and the new one');
    } finally {
      client.release();
      await own.end();
    }
  });
});
