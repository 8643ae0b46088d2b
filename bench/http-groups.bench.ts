/**
 * HTTP benchmark of group membership (issue 4: "the same time whether the group has 100 or 100,000
 * members"): `scimd serve` pinned to core 1 on SQLite, one group per size in SIZES, and for each the
 * latency of Entra's PATCH adding 100 members, PATCH removing one member, and
 * GET /Groups/{id}?excludedAttributes=members — sequential requests over one keep-alive connection.
 *   npm run bench -- bench/http-groups.bench.ts          (SIZES=100,100000 ROUNDS=200 by default)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSqliteStore } from '../src/store/sqlite/store.ts';
import { loadGenerator, seed, serve, stop, TOKEN } from './http-harness.ts';

const SIZES = (process.env['SIZES'] ?? '100,100000').split(',').map(Number);
const ROUNDS = Number(process.env['ROUNDS'] ?? 200);
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const headers = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/scim+json' };

await loadGenerator(); // pins this process to core 0
const spare = ROUNDS * 100 + ROUNDS;
const users = Math.max(...SIZES) + spare;

/** Milliseconds of each call, sorted. */
async function timed(rounds: number, call: (i: number) => Promise<Response>): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < rounds; i += 1) {
    const started = performance.now();
    const response = await call(i);
    await response.arrayBuffer();
    if (response.status >= 300) throw new Error(`HTTP ${response.status}`);
    times.push(performance.now() - started);
  }
  return times.sort((a, b) => a - b);
}
const at = (sorted: number[], q: number) => (sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN).toFixed(2);

const dir = mkdtempSync(join(tmpdir(), 'scimd-http-groups-'));
try {
  const started = Date.now();
  const ids = await seed(dir, users);
  const store = createSqliteStore({ path: join(dir, 'scimd.db'), checkpoints: false });
  const orgId = (await store.kysely.selectFrom('organizations').select('id').executeTakeFirstOrThrow()).id;
  const groups = new Map<number, string>();
  for (const size of SIZES) {
    const group = await store.groups.create(orgId, { displayName: `Group of ${size}` }, { members: ids.slice(0, size).map((value) => ({ value })) });
    groups.set(size, group.id);
  }
  await store.close();
  console.log(`seeded ${users} users and groups of ${SIZES.join(', ')} members in ${((Date.now() - started) / 1000).toFixed(1)} s; ${ROUNDS} sequential requests per row, server on core 1\n`);
  const server = await serve(dir);
  const base = `${new URL(server.match[1] as string).origin}/scim/v2`;
  console.log('| members | PATCH add 100 p50 / p99 ms | PATCH remove 1 p50 / p99 ms | GET excludedAttributes=members p50 / p99 ms |');
  console.log('|---|---|---|---|');
  let next = Math.max(...SIZES);
  // Warm-up (JIT, statement cache) on the first group; its member count barely moves.
  const warm = `${base}/Groups/${groups.get(SIZES[0] ?? 0)}`;
  await timed(50, (i) =>
    fetch(warm, { method: 'PATCH', headers, body: JSON.stringify({ schemas: [PATCH_OP], Operations: [{ op: i % 2 ? 'Remove' : 'Add', path: i % 2 ? `members[value eq "${ids[next]}"]` : 'members', value: [{ value: ids[next] }] }] }) }),
  );
  await timed(50, () => fetch(`${warm}?excludedAttributes=members`, { headers }));
  next += 1;
  for (const size of SIZES) {
    const url = `${base}/Groups/${groups.get(size)}`;
    const add = await timed(ROUNDS, () => {
      const value = ids.slice(next, next + 100).map((id) => ({ value: id }));
      next += 100;
      return fetch(url, { method: 'PATCH', headers, body: JSON.stringify({ schemas: [PATCH_OP], Operations: [{ op: 'Add', path: 'members', value }] }) });
    });
    const remove = await timed(ROUNDS, (i) =>
      fetch(url, { method: 'PATCH', headers, body: JSON.stringify({ schemas: [PATCH_OP], Operations: [{ op: 'Remove', path: `members[value eq "${ids[i]}"]` }] }) }),
    );
    const get = await timed(ROUNDS, () => fetch(`${url}?excludedAttributes=members`, { headers }));
    console.log(`| ${size} | ${at(add, 0.5)} / ${at(add, 0.99)} | ${at(remove, 0.5)} / ${at(remove, 0.99)} | ${at(get, 0.5)} / ${at(get, 0.99)} |`);
  }
  await stop(server.child);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
