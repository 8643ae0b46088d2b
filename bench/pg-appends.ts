/**
 * Transactions that append one event each into one organization on PostgreSQL (issue 15, the event
 * numbering of docs/events.md): C concurrent writers run N transactions in all through the store
 * (`store.transaction` → `outboxEvents.append`), on a fresh database; prints transactions/s, how many
 * numbering passes ran and their mean time, and checks that every event ended up numbered 1..N.
 *   N=3000 C=16 node --import tsx bench/pg-appends.ts      (C=1: one writer at a time)
 */
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { migrateToLatest } from '../src/store/migrations/migrate.ts';
import { createPostgresStore } from '../src/store/postgres/store.ts';
import { createPgDatabase, dropPgDatabase } from './side-by-side-seed.ts';

const N = Number(process.env['N'] ?? 3000);
const C = Number(process.env['C'] ?? 16);
const name = `scimd_appends_${process.pid}`;
const url = await createPgDatabase(name);
let passes = 0;
let passMs = 0;
const store = createPostgresStore({
  connectionString: url,
  onQuery: (event) => {
    if (!event.sql.includes('scimd_number_events')) return;
    passes += 1;
    passMs += event.durationMs;
  },
});
try {
  await migrateToLatest(store);
  const orgId = (await store.organizations.create({ name: 'Appends', slug: 'appends' })).id;
  let started = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: C }, async () => {
      while (started < N) {
        started += 1;
        await store.transaction((tx) => tx.outboxEvents.append(orgId, { type: 'scimd.user.updated', resourceType: 'User', resourceId: 'u', data: { n: started } }));
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  const position = await store.outboxEvents.position(orgId);
  const counts = (await sql<{ unnumbered: string; total: string }>`select count(*) filter (where sequence is null) as unnumbered, count(*) as total from outbox_events where org_id = ${orgId}`.execute(store.kysely)).rows[0];
  assert.equal(Number(counts?.unnumbered), 0);
  assert.equal(position.last, Number(counts?.total));
  console.log(`pg-appends: ${N} transactions, ${C} writers: ${Math.round(N / seconds)}/s; ${passes} numbering passes${passes > 0 ? `, ${(passMs / passes).toFixed(2)} ms each` : ''}; numbered 1..${position.last}`);
} finally {
  await store.close();
  await dropPgDatabase(name);
}
