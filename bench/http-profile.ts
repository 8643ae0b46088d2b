/**
 * CPU profile of one HTTP workload: seeds USERS users, runs `scimd serve` under `node --cpu-prof`
 * pinned to core 1, drives WORKLOAD (hit | miss | post | patch | list) for SECONDS from core 0, stops the
 * server and prints where the .cpuprofile was written (open it in Chrome DevTools, or summarise it
 * with `node --import tsx bench/profile-summary.ts <file>`).
 *   WORKLOAD=hit SECONDS=10 node --import tsx bench/http-profile.ts
 *   DIALECT=postgres WORKLOAD=hit …     (a fresh PostgreSQL database, PG_URL's server)
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { entraPatches, entraUser, filterPath, loadGenerator, seed, serve, stop, TOKEN, userName, type AutocannonRequest } from './http-harness.ts';
import { createPgDatabase, dropPgDatabase, seedScimd } from './side-by-side-seed.ts';

const WORKLOAD = process.env['WORKLOAD'] ?? 'hit';
const SECONDS = Number(process.env['SECONDS'] ?? 10);
const USERS = Number(process.env['USERS'] ?? 10_000);
const OUT = process.env['PROFILE_DIR'] ?? mkdtempSync(join(tmpdir(), 'scimd-profile-'));
const POSTGRES = process.env['DIALECT'] === 'postgres';
const PG_NAME = `scimd_profile_${process.pid}`;

const autocannon = await loadGenerator();
const dir = mkdtempSync(join(tmpdir(), 'scimd-http-profile-'));
try {
  const pgUrl = POSTGRES ? await createPgDatabase(PG_NAME) : undefined;
  const ids = pgUrl === undefined ? await seed(dir, USERS) : (await seedScimd(pgUrl, USERS)).ids;
  const server = await serve(dir, ['--cpu-prof', `--cpu-prof-dir=${OUT}`], pgUrl === undefined ? {} : { DATABASE_URL: pgUrl });
  const origin = new URL(server.match[1] as string).origin;
  const random = () => Math.floor(Math.random() * USERS);
  let n = 0;
  const workloads: Record<string, [number, AutocannonRequest]> = {
    hit: [32, { setupRequest: (r) => ({ ...r, method: 'GET', path: filterPath(userName(random())) }) }],
    miss: [32, { setupRequest: (r) => ({ ...r, method: 'GET', path: filterPath(`nobody${random()}@contoso.test`) }) }],
    post: [16, { setupRequest: (r) => ({ ...r, method: 'POST', path: '/scim/v2/Users', body: JSON.stringify(entraUser(`new${(n += 1)}@contoso.test`, n)) }) }],
    patch: [16, { setupRequest: (r) => ({ ...r, method: 'PATCH', path: `/scim/v2/Users/${ids[random()]}`, body: JSON.stringify(entraPatches[(n += 1) % 3]!(n)) }) }],
    list: [4, { setupRequest: (r) => ({ ...r, method: 'GET', path: `/scim/v2/Users?count=100&startIndex=${1 + 100 * Math.floor(random() / 100)}` }) }],
  };
  const [connections, request] = workloads[WORKLOAD] ?? workloads['hit']!;
  const headers = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/scim+json' };
  const result = await autocannon({ url: origin, connections, duration: SECONDS, headers, requests: [request] });
  console.log(`${WORKLOAD}: ${Math.round(result.requests.average)} req/s (profiling on), p99 ${result.latency.p99} ms, non-2xx ${result.non2xx}`);
  await stop(server.child);
  console.log(`profile: ${join(OUT, readdirSync(OUT).filter((f) => f.endsWith('.cpuprofile')).sort()[0] ?? '?')}`);
} finally {
  if (POSTGRES) await dropPgDatabase(PG_NAME);
  rmSync(dir, { recursive: true, force: true });
}
