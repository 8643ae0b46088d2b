/**
 * A member PATCH (Entra's add of 100 new members) timed in process, through the group service
 * over each store, with every statement's completion time from the store's query hook: where a
 * PostgreSQL member PATCH spends its time next to SQLite's. Prints the last PATCH's timeline and
 * the p50 of ROUNDS (60).
 *   node --import tsx bench/member-patch-timeline.ts              (PostgreSQL, PG_URL's server)
 *   DIALECT=sqlite node --import tsx bench/member-patch-timeline.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { groupSchemas } from '../src/core/schema/resource-types.ts';
import type { PatchOperation } from '../src/core/patch/types.ts';
import { scimActor } from '../src/services/context.ts';
import { createGroupService } from '../src/services/scim-groups.ts';
import { migrateToLatest } from '../src/store/migrations/migrate.ts';
import { createPostgresStore } from '../src/store/postgres/store.ts';
import type { SqlStore } from '../src/store/sql/sql-store.ts';
import { createSqliteStore } from '../src/store/sqlite/store.ts';
import { createPgDatabase, dropPgDatabase, seedGroups, seedScimd, type Seeded } from './side-by-side-seed.ts';

const POSTGRES = process.env['DIALECT'] !== 'sqlite';
const ROUNDS = Number(process.env['ROUNDS'] ?? 60);
const name = `scimd_member_timeline_${process.pid}`;
const dir = mkdtempSync(join(tmpdir(), 'scimd-member-timeline-'));
let log: { at: number; ms: number; sql: string }[] = [];
const onQuery = (q: { sql: string; durationMs: number }) => log.push({ at: performance.now(), ms: q.durationMs, sql: q.sql.slice(0, 64) });

try {
  let seeded: Seeded;
  if (POSTGRES) {
    seeded = await seedScimd(await createPgDatabase(name), 100);
  } else {
    const path = join(dir, 'scimd.db');
    const setup = createSqliteStore({ path, checkpoints: false });
    await migrateToLatest(setup);
    const org = await setup.organizations.create({ name: 'Bench', slug: 'bench' });
    await setup.close();
    seeded = { url: path, orgId: org.id, ids: [] };
  }
  const { groups, ids } = await seedGroups(seeded, 100 + ROUNDS * 100, [100]);
  const store: SqlStore = POSTGRES ? createPostgresStore({ connectionString: seeded.url, onQuery }) : createSqliteStore({ path: seeded.url, checkpoints: false, onQuery });
  const service = createGroupService({ store, schemasFor: () => groupSchemas(), maxMembersReturned: 100 });
  const ctx = { orgId: seeded.orgId, actor: scimActor('key', 'Entra'), requestId: 'bench' };
  const spare = ids.slice(100);
  const times: number[] = [];
  for (let i = 0; i < ROUNDS; i += 1) {
    const value = spare.splice(0, 100).map((id) => ({ value: id }));
    log = [];
    const started = performance.now();
    await service.patch(ctx, groups[0] as string, [{ op: 'add', path: 'members', value } as PatchOperation]);
    times.push(performance.now() - started);
    if (i === ROUNDS - 1) for (const e of log) console.log(`${(e.at - started).toFixed(2).padStart(7)} ms  (statement ${e.ms.toFixed(2)} ms)  ${e.sql}`);
  }
  times.sort((a, b) => a - b);
  console.log(`${POSTGRES ? 'postgres' : 'sqlite'}: member PATCH of 100 new members, p50 ${times[Math.floor(times.length / 2)]?.toFixed(2)} ms over ${ROUNDS}`);
  await store.close();
} finally {
  if (POSTGRES) await dropPgDatabase(name);
  rmSync(dir, { recursive: true, force: true });
}
