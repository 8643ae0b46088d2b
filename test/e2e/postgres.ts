/**
 * A throwaway PostgreSQL database for an end-to-end test: `scimd_test_<random>`, created on the
 * server at SCIMD_TEST_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/postgres) and dropped
 * afterwards. `undefined` when PostgreSQL is unreachable — unless CI=true, where that is a failure.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

const ADMIN_URL = process.env['SCIMD_TEST_POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';

async function admin<T>(fn: (client: pg.Client) => Promise<T>, url = ADMIN_URL): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export interface TestDatabase {
  /** The URL scimd gets as DATABASE_URL. */
  readonly url: string;
  /** Runs one query against the test database (to check stored state). */
  query<R extends pg.QueryResultRow>(text: string, values?: unknown[]): Promise<R[]>;
  drop(): Promise<void>;
}

/** Creates the database, or explains why the test is skipped (outside CI). */
export async function createTestDatabase(): Promise<TestDatabase | { skip: string }> {
  const name = `scimd_test_${randomBytes(6).toString('hex')}`;
  try {
    await admin((client) => client.query(`create database ${name}`));
  } catch (error) {
    const reason = `PostgreSQL is not reachable at ${ADMIN_URL}: ${error instanceof Error ? error.message : String(error)}`;
    if (process.env['CI'] === 'true') throw new Error(`CI=true but ${reason}`, { cause: error });
    return { skip: reason };
  }
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    query: (text, values = []) => admin(async (client) => (await client.query(text, values)).rows, url.toString()),
    drop: () => admin(async (client) => void (await client.query(`drop database if exists ${name} with (force)`))),
  };
}
