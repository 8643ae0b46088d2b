/**
 * Shared setup for the store benchmarks: DIALECT=sqlite (default, a temporary file) or
 * DIALECT=postgres (a fresh database `scimd_bench_<random>` on BENCH_POSTGRES_URL, dropped after).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, statSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { sql } from 'kysely';
import { migrateToLatest } from '../src/store/migrations/migrate.ts';
import { createPostgresStore } from '../src/store/postgres/store.ts';
import type { SqlStore } from '../src/store/sql/sql-store.ts';
import { createSqliteStore } from '../src/store/sqlite/store.ts';

const ADMIN_URL = process.env['BENCH_POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const DIALECT = process.env['DIALECT'] === 'postgres' ? 'postgres' : 'sqlite';

export interface BenchStore {
  readonly store: SqlStore;
  /** The database as a DATABASE_URL, for a second process on the same database. */
  readonly databaseUrl: string;
  size(): Promise<number>;
  dispose(): Promise<void>;
}

async function admin(statement: string) {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

/** A fresh migrated store of the chosen dialect. */
export async function openBenchStore(): Promise<BenchStore> {
  if (DIALECT === 'postgres') {
    const name = `scimd_bench_${randomBytes(5).toString('hex')}`;
    await admin(`create database ${name}`);
    const url = new URL(ADMIN_URL);
    url.pathname = `/${name}`;
    const store = createPostgresStore({ connectionString: url.toString(), maxConnections: Number(process.env['BENCH_PG_POOL'] ?? 2) });
    await migrateToLatest(store);
    return {
      store,
      databaseUrl: url.toString(),
      async size() {
        const { rows } = await sql<{ n: string }>`select pg_database_size(current_database()) as n`.execute(store.kysely);
        return Number(rows[0]?.n ?? 0);
      },
      async dispose() {
        await store.close();
        await admin(`drop database if exists ${name} with (force)`);
      },
    };
  }
  const dir = mkdtempSync(join(tmpdir(), 'scimd-bench-'));
  const path = join(dir, 'bench.db');
  const store = createSqliteStore({ path });
  await migrateToLatest(store);
  return {
    store,
    databaseUrl: `sqlite:${path}`,
    async size() {
      await sql`pragma wal_checkpoint(TRUNCATE)`.execute(store.kysely);
      return [path, `${path}-wal`].filter(existsSync).reduce((n, p) => n + statSync(p).size, 0);
    },
    async dispose() {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Mean microseconds per call of `fn` over `iterations` calls (after a short warm-up). */
export async function microsPerCall(iterations: number, fn: (i: number) => Promise<unknown>): Promise<number> {
  for (let i = 0; i < Math.min(50, iterations); i += 1) await fn(i);
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i += 1) await fn(i);
  return Number(process.hrtime.bigint() - start) / 1000 / iterations;
}

export const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
