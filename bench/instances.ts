/**
 * Several scimd instances on one PostgreSQL (issue 15): 1, 2 and 4 `scimd serve` processes behind
 * node:cluster (examples/cluster/scimd-cluster.mjs, one port, round-robin), USERS Entra users, and
 * autocannon on core 0 driving lookups (hit, 32 connections) and PATCH /Users (16 connections) for
 * SECONDS each. Then correctness across two instances:
 *  - the per-key rate limit with REDIS_URL (one limit for both) and without (one per instance),
 *    counting the 200s among RL_REQUESTS requests spread over both instances;
 *  - a key revoked in another process (this one) is refused by every instance, and how soon.
 *   npm run bench -- bench/instances.ts        (SECONDS=5 USERS=5000 INSTANCES=1,2,4; needs PostgreSQL and Redis,
 *   so it is not among the *.bench.ts files a plain `npm run bench` runs)
 * The machine has two cores: instances, PostgreSQL and the load generator share them.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { createStore } from '../src/store/create-store.ts';
import { createApiKeyService } from '../src/services/api-keys.ts';
import { SYSTEM_ACTOR } from '../src/services/organizations.ts';
import { entraPatches, filterPath, loadGenerator, ROOT, stop, TOKEN, userName } from './http-harness.ts';
import { createPgDatabase, dropPgDatabase, seedScimd } from './side-by-side-seed.ts';

const SECONDS = Number(process.env['SECONDS'] ?? 5);
const USERS = Number(process.env['USERS'] ?? 5000);
const INSTANCES = (process.env['INSTANCES'] ?? '1,2,4').split(',').map(Number);
const RL_REQUESTS = 120;
const RL_BURST = 40;
const PORT = 18000 + (process.pid % 1000);
const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const headers = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/scim+json' };

const autocannon = await loadGenerator();

/** Starts the cluster with `n` instances; resolves once every instance printed its Tenant URL. */
function cluster(n: number, url: string, env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['examples/cluster/scimd-cluster.mjs'], {
    cwd: ROOT,
    env: { PATH: process.env['PATH'] ?? '', SCIMD_INSTANCES: String(n), DATABASE_URL: url, PORT: String(PORT), LOG_LEVEL: 'warn', SCIMD_RATE_LIMIT_PER_SECOND: '1000000', SCIMD_RATE_LIMIT_BURST: '1000000', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let ready = 0;
    child.on('exit', (code) => reject(new Error(`cluster exited with ${code}`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (line.startsWith('Tenant URL:') && (ready += 1) === n) resolve(child);
    });
  });
}

/** `count` GETs, each on its own connection (so the cluster spreads them); the statuses. */
async function statuses(count: number, token = TOKEN): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < count; i += 1) {
    const response = await fetch(`http://127.0.0.1:${PORT}/scim/v2/Users?count=1`, { headers: { authorization: `Bearer ${token}`, connection: 'close' } });
    await response.arrayBuffer();
    out.push(response.status);
  }
  return out;
}

const pgName = `scimd_instances_${process.pid}`;
const url = await createPgDatabase(pgName);
try {
  const seeded = await seedScimd(url, USERS);
  console.log(`seeded ${USERS} users; ${SECONDS} s per rate; instances unpinned (2 cores shared with PostgreSQL), load on core 0\n`);
  console.log('| instances | lookup hit req/s (32 conn.) | per instance | PATCH /Users req/s (16 conn.) | per instance | errors |');
  console.log('|---|---|---|---|---|---|');
  for (const n of INSTANCES) {
    const child = await cluster(n, url, {});
    try {
      const origin = `http://127.0.0.1:${PORT}`;
      const pick = () => Math.floor(Math.random() * USERS);
      const hitReq = [{ setupRequest: (r: Record<string, unknown>) => ({ ...r, method: 'GET', path: filterPath(userName(pick())) }) }];
      let p = 0;
      const patchReq = [{
        setupRequest: (r: Record<string, unknown>) => ({ ...r, method: 'PATCH', path: `/scim/v2/Users/${seeded.ids[pick()]}`, body: JSON.stringify((entraPatches[(p += 1) % 3] as (k: number) => unknown)(p)) }),
      }];
      await autocannon({ url: origin, connections: 32, duration: 1, headers, requests: hitReq });
      const hit = await autocannon({ url: origin, connections: 32, duration: SECONDS, headers, requests: hitReq });
      const patch = await autocannon({ url: origin, connections: 16, duration: SECONDS, headers, requests: patchReq });
      const h = Math.round(hit.requests.average);
      const w = Math.round(patch.requests.average);
      console.log(`| ${n} | ${h} | ${Math.round(h / n)} | ${w} | ${Math.round(w / n)} | ${hit.non2xx + hit.errors + patch.non2xx + patch.errors} |`);
    } finally {
      await stop(child);
    }
  }

  console.log(`\nrate limit, 2 instances, burst ${RL_BURST}, 1 token/s, ${RL_REQUESTS} requests one connection each:`);
  for (const shared of [true, false]) {
    const child = await cluster(2, url, { SCIMD_RATE_LIMIT_PER_SECOND: '1', SCIMD_RATE_LIMIT_BURST: String(RL_BURST), ...(shared ? { REDIS_URL } : {}) });
    try {
      const started = performance.now();
      const got = await statuses(RL_REQUESTS);
      const seconds = (performance.now() - started) / 1000;
      const ok = got.filter((s) => s === 200).length;
      console.log(`- ${shared ? 'with REDIS_URL' : 'without REDIS_URL'}: ${ok} × 200, ${got.filter((s) => s === 429).length} × 429 in ${seconds.toFixed(1)} s (one limit allows ${RL_BURST} + ${Math.floor(seconds)} refilled)`);
    } finally {
      await stop(child);
    }
  }

  const child = await cluster(2, url, {});
  const store = createStore({ url });
  try {
    const keys = createApiKeyService({ store });
    const ctx = { orgId: seeded.orgId, actor: SYSTEM_ACTOR, requestId: 'bench' };
    const created = await keys.create(ctx, { type: 'scim', description: 'to revoke' });
    const before = await statuses(10, created.secret);
    const revokedAt = performance.now();
    await keys.revoke(ctx, created.key.id);
    let firstRefusal = NaN;
    const after: number[] = [];
    while (performance.now() - revokedAt < 5000 && after.filter((s) => s === 401).length < 20) {
      const [status] = await statuses(1, created.secret);
      if (status === 401 && Number.isNaN(firstRefusal)) firstRefusal = performance.now() - revokedAt;
      if (!Number.isNaN(firstRefusal)) after.push(status ?? 0);
    }
    await keys.close();
    console.log(`\nkey revoked by another process, 2 instances: before ${before.filter((s) => s === 200).length}/10 × 200; first 401 after ${firstRefusal.toFixed(0)} ms; then ${after.filter((s) => s === 401).length}/${after.length} × 401`);
  } finally {
    await store.close();
    await stop(child);
  }
} finally {
  await dropPgDatabase(pgName);
}
