/**
 * The dialects the store conformance suite loops over: SQLite in memory always, PostgreSQL at
 * postgres://postgres@127.0.0.1:5432 (or SCIMD_TEST_POSTGRES_URL) whenever it is reachable. With
 * CI=true an unreachable PostgreSQL is a failure, not a skip. Every PostgreSQL run creates its own
 * database `scimd_test_<random>` and drops it afterwards.
 */
import { randomBytes } from 'node:crypto';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import pg from 'pg';
import { migrateToLatest } from '../../src/store/migrations/migrate.ts';
import { createPostgresStore } from '../../src/store/postgres/store.ts';
import type { StoreOptions } from '../../src/store/sql/options.ts';
import type { SqlStore } from '../../src/store/sql/sql-store.ts';
import { createSqliteStore } from '../../src/store/sqlite/store.ts';

export const POSTGRES_ADMIN_URL = process.env['SCIMD_TEST_POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDialect {
  readonly name: 'sqlite' | 'postgres';
  /** A fresh, migrated, empty store (its own database on PostgreSQL). */
  open(options?: StoreOptions, migrate?: boolean): Promise<SqlStore>;
  /** Closes the store and drops its database. */
  close(store: SqlStore): Promise<void>;
  /**
   * Another store on the same database, as a second process would open it (the CLI next to the
   * server, a second instance); absent where the database is private to one connection (SQLite in
   * memory). Close it before `close(store)`.
   */
  peer?(store: SqlStore, options?: StoreOptions): SqlStore;
}

async function postgresReachable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function admin(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

async function migrated(store: SqlStore): Promise<SqlStore> {
  const report = await migrateToLatest(store);
  if (report.error !== undefined) throw report.error;
  return store;
}

const sqlite: TestDialect = {
  name: 'sqlite',
  open: async (options = {}, migrate = true) => {
    const store = createSqliteStore({ ...options, path: ':memory:' });
    return migrate ? migrated(store) : store;
  },
  close: (store) => store.close(),
};

function postgres(): TestDialect {
  const databases = new WeakMap<SqlStore, string>();
  const urlOf = (name: string): string => {
    const url = new URL(POSTGRES_ADMIN_URL);
    url.pathname = `/${name}`;
    return url.toString();
  };
  return {
    name: 'postgres',
    async open(options = {}, migrate = true) {
      const name = `scimd_test_${randomBytes(6).toString('hex')}`;
      await admin(`create database ${name}`);
      const store = createPostgresStore({ ...options, connectionString: urlOf(name), maxConnections: 4 });
      databases.set(store, name);
      return migrate ? migrated(store) : store;
    },
    async close(store) {
      await store.close();
      const name = databases.get(store);
      if (name !== undefined) await admin(`drop database if exists ${name} with (force)`);
    },
    peer(store, options = {}) {
      const name = databases.get(store);
      if (name === undefined) throw new Error('peer() needs a store opened by this dialect');
      return createPostgresStore({ ...options, connectionString: urlOf(name), maxConnections: 2 });
    },
  };
}

const unreachable: TestDialect = {
  name: 'postgres',
  open: () => Promise.reject(new Error(`CI=true but PostgreSQL is not reachable at ${POSTGRES_ADMIN_URL}`)),
  close: async () => undefined,
};

/** The dialects to run the suite on, decided once per test file. */
export async function testDialects(): Promise<TestDialect[]> {
  if (await postgresReachable()) return [sqlite, postgres()];
  return process.env['CI'] === 'true' ? [sqlite, unreachable] : [sqlite];
}

/** A fake clock advancing 1 ms per reading, so timestamps and ids are deterministic in order. */
export function fakeClock(start = Date.parse('2026-01-01T00:00:00.000Z')): { clock: () => Date; advance(ms: number): void } {
  let now = start;
  return {
    clock: () => new Date((now += 1)),
    advance(ms: number) {
      now += ms;
    },
  };
}

/**
 * Resolves once another session of `store`'s database waits for a row lock (PostgreSQL; fails the
 * test after ~2 s), or after a short pause on SQLite, where the other transaction simply queues
 * behind the open one. For tests that hold a transaction open until a concurrent one is blocked.
 */
export async function untilAnotherWaits(dialect: TestDialect, store: SqlStore, what: string): Promise<void> {
  if (dialect.name !== 'postgres') return new Promise((resolve) => setTimeout(resolve, 50));
  for (let tries = 0; tries < 200; tries += 1) {
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`.execute(store.kysely);
    if ((rows[0]?.n ?? 0) > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  assert.fail(`${what} never waited for a lock`);
}
