/**
 * Store benchmark, memberships: add 100 members to / remove 1 member from groups of 100, 10k,
 * 100k and 1M members (sizes up to MAX, default 1,000,000). Users are bulk-loaded with plain
 * multi-row inserts (setup only; the measured operations go through the Store port).
 *   MAX=100000 DIALECT=postgres npm run bench -- bench/store-members.bench.ts
 */
import { sql } from 'kysely';
import { DIALECT, microsPerCall, openBenchStore } from './store-harness.ts';

const MAX = Number(process.env['MAX'] ?? 1_000_000);
const SIZES = [100, 10_000, 100_000, 1_000_000].filter((s) => s <= MAX);
const bench = await openBenchStore();
const { store } = bench;
const id = (i: number) => `00000000-0000-7000-8000-${String(i).padStart(12, '0')}`;

async function bulkUsers(org: string, count: number) {
  const now = new Date().toISOString();
  const active = store.capabilities.booleanAsInteger ? 1 : true;
  for (let from = 0; from < count; from += 2000) {
    await store.kysely.transaction().execute(async (trx) => {
      const rows = [];
      for (let i = from; i < Math.min(count, from + 2000); i += 1) {
        rows.push({ org_id: org, id: id(i), user_name: `m${i}`, user_name_lc: `m${i}`, external_id: null, active, display_name: null, display_name_lc: null, user_type: null, primary_email_lc: null, given_name: null, family_name: null, created_at: now, updated_at: now, version: 1, resource: JSON.stringify({ id: id(i), userName: `m${i}` }) });
      }
      for (let c = 0; c < rows.length; c += 500) await trx.insertInto('users').values(rows.slice(c, c + 500)).execute();
    });
  }
}

async function bulkMembers(org: string, groupId: string, count: number) {
  const now = new Date().toISOString();
  for (let from = 0; from < count; from += 5000) {
    await store.kysely.transaction().execute(async (trx) => {
      const rows = [];
      for (let i = from; i < Math.min(count, from + 5000); i += 1) rows.push({ org_id: org, group_id: groupId, member_id: id(i), member_type: 'User' as const, created_at: now });
      for (let c = 0; c < rows.length; c += 1000) await trx.insertInto('memberships').values(rows.slice(c, c + 1000)).execute();
    });
  }
}

try {
  const org = (await store.organizations.create({ name: 'Bench', slug: 'bench' })).id;
  const max = SIZES[SIZES.length - 1] ?? 100;
  await bulkUsers(org, max + 100_000);
  if (DIALECT === 'postgres') await sql`analyze`.execute(store.kysely);
  for (const size of SIZES) {
    const group = await store.groups.create(org, { displayName: `Group of ${size}` });
    await bulkMembers(org, group.id, size);
    let next = max;
    const add = await microsPerCall(20, async () => {
      const members = Array.from({ length: 100 }, () => ({ value: id(next++) }));
      await store.groups.applyMembershipDelta(org, group.id, { add: members, remove: [] });
    });
    let victim = 0;
    const remove = await microsPerCall(100, () => store.groups.applyMembershipDelta(org, group.id, { add: [], remove: [id(victim++)] }));
    const get = await microsPerCall(500, () => store.groups.get(org, group.id));
    console.log(`${DIALECT}: group of ${size}: add 100 members ${(add / 1000).toFixed(2)} ms, remove 1 member ${(remove / 1000).toFixed(2)} ms, get without members ${get.toFixed(0)} µs`);
  }
} finally {
  await bench.dispose();
}
