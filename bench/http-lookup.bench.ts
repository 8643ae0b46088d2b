/**
 * HTTP benchmark (issue 4 speed targets): `scimd serve` pinned to core 1 (`taskset -c 1`) on SQLite
 * with 10,000 users, autocannon in this process pinned to core 0, Entra-shaped requests:
 *   GET /Users?filter=userName eq "…" (hit and miss, 32 connections), POST /Users (16 connections),
 *   PATCH /Users/{id} (Entra replace shapes, 16 connections),
 * and the ceiling: a bare node:http server on core 1 returning the same JSON as the lookup hit.
 *   npm run bench -- bench/http-lookup.bench.ts        (SECONDS=10 USERS=10000 by default)
 *   ONLY=hit,miss npm run bench -- bench/http-lookup.bench.ts    (a subset: hit, miss, post, patch, bare)
 * The server logs at LOG_LEVEL=warn here (LOG_LEVEL=info measures the per-request access line too).
 * `cpu µs/req` is the server's user + system CPU time per request (from /proc): on a shared machine
 * it varies much less than req/s, which also depends on how much of core 1 the server was given.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  entraPatches,
  entraUser,
  filterPath,
  loadGenerator,
  pinned,
  seed,
  serve,
  stop,
  TOKEN,
  userName,
  type AutocannonRequest,
  type AutocannonResult,
} from './http-harness.ts';

const SECONDS = Number(process.env['SECONDS'] ?? 10);
const USERS = Number(process.env['USERS'] ?? 10_000);
const ONLY = new Set((process.env['ONLY'] ?? 'hit,miss,post,patch,bare').split(','));

const autocannon = await loadGenerator();

/** CPU time (user + system) a process has used, in µs; undefined where /proc is missing. */
function cpuMicros(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return ((Number(fields[11]) + Number(fields[12])) * 1e6) / 100; // clock ticks of 10 ms
  } catch {
    return undefined;
  }
}

async function run(title: string, url: string, connections: number, requests: AutocannonRequest[], pid?: number): Promise<AutocannonResult> {
  const headers = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/scim+json' };
  await autocannon({ url, connections, duration: 1, headers, requests }); // warm-up
  const before = cpuMicros(pid);
  const result = await autocannon({ url, connections, duration: SECONDS, headers, requests });
  const after = cpuMicros(pid);
  const rps = Math.round(result.requests.average);
  const cpu = before === undefined || after === undefined ? '?' : Math.round((after - before) / (result.requests.average * SECONDS));
  console.log(`| ${title} | ${connections} | ${rps} | ${result.latency.p50} | ${result.latency.p99} | ${cpu} | ${result.non2xx} | ${result.errors} |`);
  return result;
}

const dir = mkdtempSync(join(tmpdir(), 'scimd-http-bench-'));
try {
  const started = Date.now();
  const ids = await seed(dir, USERS);
  console.log(`seeded ${USERS} users in ${((Date.now() - started) / 1000).toFixed(1)} s; ${SECONDS} s per run; server on core 1, autocannon on core 0\n`);
  const server = await serve(dir);
  const origin = new URL(server.match[1] as string).origin;
  const random = () => Math.floor(Math.random() * USERS);

  const pid = server.child.pid;
  console.log('| workload | connections | req/s | p50 ms | p99 ms | cpu µs/req | non-2xx | errors |');
  console.log('|---|---|---|---|---|---|---|---|');
  if (ONLY.has('hit')) {
    await run('GET /Users?filter=userName eq (hit)', origin, 32, [{ setupRequest: (r) => ({ ...r, method: 'GET', path: filterPath(userName(random())) }) }], pid);
  }
  if (ONLY.has('miss')) {
    await run('GET /Users?filter=userName eq (miss)', origin, 32, [{ setupRequest: (r) => ({ ...r, method: 'GET', path: filterPath(`nobody${random()}@contoso.test`) }) }], pid);
  }
  if (ONLY.has('post')) {
    let created = 0;
    await run('POST /Users', origin, 16, [
      { setupRequest: (r) => ({ ...r, method: 'POST', path: '/scim/v2/Users', body: JSON.stringify(entraUser(`new${(created += 1)}@contoso.test`, created)) }) },
    ], pid);
  }
  if (ONLY.has('patch')) {
    let patched = 0;
    await run('PATCH /Users/{id} (Entra replace)', origin, 16, [
      {
        setupRequest: (r) => {
          patched += 1;
          const shape = entraPatches[patched % entraPatches.length] as (n: number) => unknown;
          return { ...r, method: 'PATCH', path: `/scim/v2/Users/${ids[random()]}`, body: JSON.stringify(shape(patched)) };
        },
      },
    ], pid);
  }
  // The ceiling: the same JSON a lookup hit returns, from a bare node:http server on the same core.
  const body = await (await fetch(`${origin}${filterPath(userName(1))}`, { headers: { authorization: `Bearer ${TOKEN}` } })).text();
  await stop(server.child);
  if (ONLY.has('bare')) {
    const bareCode = `const b=${JSON.stringify(body)};require('node:http').createServer((q,s)=>{s.writeHead(200,{'content-type':'application/scim+json; charset=utf-8'});s.end(b)}).listen(0,'127.0.0.1',function(){console.log('PORT '+this.address().port)})`;
    const bare = await pinned(['-e', bareCode], {}, /^PORT (\d+)$/);
    try {
      await run('bare node:http, same JSON', `http://127.0.0.1:${bare.match[1]}`, 32, [{ method: 'GET', path: filterPath(userName(1)) }], bare.child.pid);
    } finally {
      await stop(bare.child);
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
