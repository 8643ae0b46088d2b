/**
 * The PostgreSQL pool's size (`SCIMD_PG_POOL_SIZE`, store option `maxConnections`) over a real
 * database: many concurrent statements open at most that many connections, plus the one that
 * listens for configuration changes.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { sql } from 'kysely';
import { createStore } from '../../src/store/create-store.ts';
import { migrateToLatest } from '../../src/store/migrations/migrate.ts';
import { POSTGRES_ADMIN_URL } from './harness.ts';

const DB = `scimd_pool_${randomBytes(5).toString('hex')}`;

async function admin<T extends pg.QueryResultRow>(statement: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
  await client.connect();
  return (await client.query<T>(statement).finally(() => client.end())).rows;
}

const reachable = await admin('select 1').then(() => true, () => false);

describe('PostgreSQL pool size', { skip: !reachable }, () => {
  let url: string;
  before(async () => {
    await admin(`create database ${DB}`);
    const u = new URL(POSTGRES_ADMIN_URL);
    u.pathname = `/${DB}`;
    url = u.toString();
  });
  after(async () => {
    await admin(`drop database if exists ${DB} with (force)`);
  });

  /** Backends connected to the test database now (the admin client connects elsewhere). */
  const backends = async () => Number((await admin<{ n: string }>(`select count(*) as n from pg_stat_activity where datname = '${DB}'`))[0]!.n);

  for (const size of [3, 8]) {
    it(`opens at most ${size} pooled connections under 40 concurrent statements`, async () => {
      const store = createStore({ url, maxConnections: size });
      try {
        await migrateToLatest(store);
        // Hold every statement for a moment so the pool must open what it may.
        await Promise.all(Array.from({ length: 40 }, () => sql`select pg_sleep(0.02)`.execute(store.kysely)));
        const connected = await backends();
        // The pool, plus at most the change listener's own connection.
        assert.ok(connected >= size && connected <= size + 1, `${connected} backends with a pool of ${size}`);
      } finally {
        await store.close();
      }
    });
  }
});
