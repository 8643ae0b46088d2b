/**
 * A database for the reliability benchmarks (soak, crash): SQLite in a temporary directory or a
 * fresh PostgreSQL database `scimd_bench_<random>`, migrated and seeded with organizations, each
 * with a SCIM key, a few users and groups. `env` is what `scimd serve` needs to open it.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import pg from 'pg';
import { migrateToLatest } from '../src/store/migrations/migrate.ts';
import { createPostgresStore } from '../src/store/postgres/store.ts';
import type { SqlStore } from '../src/store/sql/sql-store.ts';
import { createSqliteStore } from '../src/store/sqlite/store.ts';
import { createApiKeyService } from '../src/services/api-keys.ts';
import { SYSTEM_ACTOR, createOrganizationService } from '../src/services/organizations.ts';
import { tempDir } from '../test/e2e/process.ts';

export const ADMIN_URL = process.env['SCIMD_TEST_POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';

export type BenchDb = 'sqlite' | 'postgres';

export interface Tenant {
  readonly orgId: string;
  readonly token: string;
  readonly userIds: string[];
  readonly userNames: string[];
  readonly groupIds: string[];
}

export interface BenchDatabase {
  readonly kind: BenchDb;
  /** Environment for `scimd serve` (DATA_DIR or DATABASE_URL). */
  readonly env: Record<string, string>;
  /** The SQLite file, when SQLite. */
  readonly sqlitePath?: string;
  /** Opens a store on the database (the server may be running). */
  open(): SqlStore;
  /** Removes the directory or drops the database. */
  remove(): Promise<void>;
}

async function admin(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

/** Creates an empty, migrated database of `kind`. */
export async function createBenchDatabase(kind: BenchDb): Promise<BenchDatabase> {
  let db: BenchDatabase;
  if (kind === 'sqlite') {
    const dir = tempDir();
    const path = join(dir.path, 'scimd.db');
    db = { kind, env: { DATA_DIR: dir.path }, sqlitePath: path, open: () => createSqliteStore({ path }), remove: async () => dir.remove() };
  } else {
    const name = `scimd_bench_${randomBytes(5).toString('hex')}`;
    await admin(`create database ${name}`);
    const url = new URL(ADMIN_URL);
    url.pathname = `/${name}`;
    const connectionString = url.toString();
    db = {
      kind,
      env: { DATABASE_URL: connectionString },
      open: () => createPostgresStore({ connectionString, maxConnections: 4 }),
      remove: () => admin(`drop database if exists ${name} with (force)`),
    };
  }
  const store = db.open();
  const report = await migrateToLatest(store);
  await store.close();
  if (report.error !== undefined) throw report.error;
  return db;
}

/** Seeds `count` organizations with a SCIM key, `users` users and `groups` groups each. */
export async function seedTenants(db: BenchDatabase, count: number, users = 20, groups = 2): Promise<Tenant[]> {
  const store = db.open();
  const orgs = createOrganizationService({ store });
  const keys = createApiKeyService({ store, cacheTtlMs: 0, flushIntervalMs: 3_600_000 });
  const tenants: Tenant[] = [];
  try {
    for (let t = 0; t < count; t += 1) {
      const org = await orgs.create(SYSTEM_ACTOR, { name: `Tenant ${t}` });
      const { secret } = await keys.create({ orgId: org.id, actor: SYSTEM_ACTOR }, { type: 'scim', description: 'bench' });
      const userNames = Array.from({ length: users }, (_, n) => `seed${n}@tenant${t}.test`);
      const created = await store.users.createMany(org.id, userNames.map((userName, n) => ({ schemas: [USER], userName, displayName: `Seed ${n}`, active: true })));
      const groupIds: string[] = [];
      for (let g = 0; g < groups; g += 1) {
        const group = await store.groups.create(org.id, { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: `Group ${g}` });
        groupIds.push(group.id);
      }
      tenants.push({ orgId: org.id, token: secret, userIds: created.map((u) => u.id), userNames, groupIds });
    }
  } finally {
    await keys.close();
    await store.close();
  }
  return tenants;
}
