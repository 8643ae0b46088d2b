/**
 * Seeding for the side-by-side benchmark: a fresh PostgreSQL database, the first organization with
 * the bench token and N Entra-shaped users (through the Store port's bulk path), and later the users
 * and groups of the membership rows — on either dialect, written while the server runs.
 */
import { sql } from 'kysely';
import pg from 'pg';
import { migrateToLatest } from '../src/store/migrations/migrate.ts';
import { createStore } from '../src/store/create-store.ts';
import { createSqliteStore } from '../src/store/sqlite/store.ts';
import { createOrganizationService } from '../src/services/organizations.ts';
import { entraUser, TOKEN } from './http-harness.ts';

export const PG_ADMIN_URL = process.env['PG_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** Drops and creates database `name`; returns its URL. */
export async function createPgDatabase(name: string): Promise<string> {
  const client = new pg.Client({ connectionString: PG_ADMIN_URL });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Drops database `name`. */
export async function dropPgDatabase(name: string): Promise<void> {
  const client = new pg.Client({ connectionString: PG_ADMIN_URL });
  await client.connect();
  await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).finally(() => client.end());
}

export interface Seeded {
  readonly url: string;
  readonly orgId: string;
  readonly ids: string[];
}

/** Migrates the database at `url`, bootstraps the bench organization and creates `users` users named `prefix<n>@contoso.test`. */
export async function seedScimd(url: string, users: number): Promise<Seeded> {
  const store = createStore({ url });
  try {
    await migrateToLatest(store);
    const boot = await createOrganizationService({ store }).bootstrap({ token: TOKEN });
    if (boot.status !== 'created') throw new Error('expected a fresh database');
    const orgId = boot.organization.id;
    return { url, orgId, ids: await addUsers(store, orgId, 'user', users) };
  } finally {
    await store.close();
  }
}

async function addUsers(store: ReturnType<typeof createStore>, orgId: string, prefix: string, users: number): Promise<string[]> {
  const ids: string[] = [];
  for (let from = 0; from < users; from += 1000) {
    const batch = [];
    for (let n = from; n < Math.min(users, from + 1000); n += 1) batch.push(entraUser(`${prefix}${n}@contoso.test`, n));
    for (const user of await store.users.createMany(orgId, batch)) ids.push(user.id);
  }
  return ids;
}

/** Adds `users` users and one group per size (its members the first `size` of them); returns the group ids and the user ids. */
export async function seedGroups(seeded: Seeded, users: number, sizes: readonly number[]): Promise<{ groups: string[]; ids: string[] }> {
  const store = seeded.url.startsWith('postgres') ? createStore({ url: seeded.url }) : createSqliteStore({ path: seeded.url, checkpoints: false });
  try {
    const ids = await addUsers(store, seeded.orgId, 'member', users);
    const groups: string[] = [];
    for (const size of sizes) {
      const group = await store.groups.create(seeded.orgId, { displayName: `Group of ${size}` }, { members: ids.slice(0, size).map((value) => ({ value })) });
      groups.push(group.id);
    }
    // What autovacuum does within a minute of a bulk load on a server that runs for real: without
    // statistics, PostgreSQL plans a member add as a scan of the organization's users (26.7 ms
    // instead of 0.25 ms for 100 members of a 10,000-user organization; docs/benchmarks.md).
    if (seeded.url.startsWith('postgres')) await sql`analyze`.execute(store.kysely);
    return { groups, ids };
  } finally {
    await store.close();
  }
}
