/**
 * What PATCH traffic leaves behind on PostgreSQL when autovacuum is off, and what the store's own
 * VACUUM (src/store/postgres/vacuum.ts) gets back: dead row versions, the size of `users` with its
 * indexes, and the shared buffers one lookup by id touches (EXPLAIN ANALYZE BUFFERS — a count, not
 * a timing, so it does not depend on how busy the machine is), plus the time of 1,000 lookups.
 *
 *   node --import tsx bench/pg-vacuum.bench.ts [--patches 10000]
 */
import { parseArgs } from 'node:util';
import pg from 'pg';
import { createSchemaRegistry } from '../src/core/schema/registry.ts';
import type { OperationContext } from '../src/services/context.ts';
import { SYSTEM_ACTOR } from '../src/services/organizations.ts';
import { createUserService } from '../src/services/scim-users.ts';
import { autovacuumIsOn, vacuumIfNeeded } from '../src/store/postgres/vacuum.ts';
import { createBenchDatabase, seedTenants } from './tenants.ts';

const { values } = parseArgs({ options: { patches: { type: 'string', default: '10000' } } });
const patches = Number(values.patches);

const db = await createBenchDatabase('postgres');
const [tenant] = await seedTenants(db, 1, 100);
if (!tenant) throw new Error('no tenant');
const store = db.open();
const registry = createSchemaRegistry();
const users = createUserService({ store, schemasFor: () => registry.user });
const ctx: OperationContext = { orgId: tenant.orgId, actor: SYSTEM_ACTOR };
const pool = new pg.Pool({ connectionString: db.env['DATABASE_URL'], max: 1 });

async function measure(label: string) {
  await new Promise((r) => setTimeout(r, 700)); // statistics are reported to the collector asynchronously
  const stats = await pool.query<{ n_dead_tup: string; n_tup_hot_upd: string; n_tup_upd: string; bytes: string }>(
    "select n_dead_tup, n_tup_hot_upd, n_tup_upd, pg_total_relation_size(relid) as bytes from pg_stat_user_tables where relname = 'users'",
  );
  const id = tenant!.userIds[7];
  const plan = await pool.query<{ 'QUERY PLAN': string }>(`explain (analyze, buffers, format text) select * from users where org_id = $1 and id = $2`, [tenant!.orgId, id]);
  const buffers = plan.rows.map((r) => r['QUERY PLAN']).find((l) => l.includes('Buffers:'))?.trim() ?? '';
  const t0 = performance.now();
  for (let i = 0; i < 1000; i += 1) await store.users.get(tenant!.orgId, tenant!.userIds[i % 100] as string);
  const lookupsMs = Math.round(performance.now() - t0);
  const row = stats.rows[0];
  console.log(JSON.stringify({ label, deadRows: Number(row?.n_dead_tup), updates: Number(row?.n_tup_upd), hotUpdates: Number(row?.n_tup_hot_upd), usersKb: Math.round(Number(row?.bytes) / 1024), lookupBuffers: buffers, lookups1000Ms: lookupsMs }));
}

console.log(JSON.stringify({ autovacuum: await autovacuumIsOn(pool), patches }));
await measure('seeded');
for (let i = 0; i < patches; i += 1) {
  await users.patch(ctx, tenant.userIds[i % 100] as string, [{ op: 'replace', path: 'displayName', value: `Renamed ${i}` }]);
}
await measure(`after ${patches} PATCHes`);
const ran = await vacuumIfNeeded(pool);
await measure(ran ? 'after the store VACUUM' : 'autovacuum is on: the store did not vacuum');
// The same number of PATCHes again, now with the store's VACUUM every fifth of the way (as its
// one-minute timer would under steady load): the space of dead rows is reused, the table stops growing.
for (let i = 0; i < patches; i += 1) {
  await users.patch(ctx, tenant.userIds[i % 100] as string, [{ op: 'replace', path: 'displayName', value: `Again ${i}` }]);
  if ((i + 1) % Math.ceil(patches / 5) === 0) await vacuumIfNeeded(pool);
}
await measure(`after ${patches} more PATCHes with the store's VACUUM`);
await pool.end();
await store.close();
await db.remove();
