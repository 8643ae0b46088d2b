/**
 * Store benchmark, users: insert N users into one organization through the Store port's bulk path
 * (`users.createMany`, 1,000 users per call: one transaction, multi-row inserts), then userName eq / externalId eq lookups through the filter compiler, and
 * cursor paging (page 1 vs the last reachable page up to 10,000, 100 per page).
 *   N=100000 DIALECT=sqlite npm run bench -- bench/store-users.bench.ts   (default N = 1,000,000)
 */
import { sql } from 'kysely';
import { parseFilter } from '../src/core/filter/parser.ts';
import { user } from '../test/store/fixtures.ts';
import { DIALECT, mb, microsPerCall, openBenchStore } from './store-harness.ts';

const N = Number(process.env['N'] ?? 1_000_000);
const BATCH = 1000;
const name = (i: number) => `user${i}@example.com`;

const bench = await openBenchStore();
const { store } = bench;
try {
  const org = (await store.organizations.create({ name: 'Bench', slug: 'bench' })).id;
  const started = Date.now();
  for (let from = 0; from < N; from += BATCH) {
    const batch = [];
    for (let i = from; i < Math.min(N, from + BATCH); i += 1) batch.push(user(name(i), { externalId: `ext-${i}`, displayName: `User ${i}` }));
    await store.users.createMany(org, batch);
  }
  const seconds = (Date.now() - started) / 1000;
  console.log(`${DIALECT}: inserted ${N} users in ${seconds.toFixed(1)} s = ${Math.round(N / seconds)} users/s; database ${mb(await bench.size())}`);

  // PostgreSQL's autovacuum would analyze a table this size soon after loading; do it now.
  if (DIALECT === 'postgres') await sql`analyze`.execute(store.kysely);
  const pick = (i: number) => (i * 7919) % N;
  const byUserName = await microsPerCall(2000, (i) =>
    store.users.list(org, { filter: parseFilter(`userName eq "${name(pick(i)).toUpperCase()}"`), count: 1 }),
  );
  const byExternalId = await microsPerCall(2000, (i) => store.users.list(org, { filter: parseFilter(`externalId eq "ext-${pick(i)}"`), count: 1 }));
  const miss = await microsPerCall(2000, (i) => store.users.list(org, { filter: parseFilter(`userName eq "nobody${i}@example.com"`), count: 1 }));
  console.log(`${DIALECT} @ ${N}: userName eq ${byUserName.toFixed(0)} µs, externalId eq ${byExternalId.toFixed(0)} µs, userName miss ${miss.toFixed(0)} µs (per list call incl. totalResults)`);

  const lastPage = Math.min(10_000, Math.floor(N / 100));
  let cursor = '';
  let pageCursor = '';
  for (let page = 1; page < lastPage; page += 1) {
    const result = await store.users.list(org, { count: 100, cursor, includeTotal: false });
    cursor = result.nextCursor ?? '';
    if (page === lastPage - 1) pageCursor = cursor;
  }
  const first = await microsPerCall(200, () => store.users.list(org, { count: 100, cursor: '', includeTotal: false }));
  const deep = await microsPerCall(200, () => store.users.list(org, { count: 100, cursor: pageCursor, includeTotal: false }));
  const withTotal = await microsPerCall(20, () => store.users.list(org, { count: 100, cursor: pageCursor }));
  console.log(`${DIALECT} @ ${N}: cursor page 1 ${(first / 1000).toFixed(2)} ms, page ${lastPage} ${(deep / 1000).toFixed(2)} ms (100 users/page, no count); with totalResults ${(withTotal / 1000).toFixed(2)} ms`);
} finally {
  await bench.dispose();
}
