/**
 * CPU per request of scimd on PostgreSQL (issue 15): on a shared machine the rate of a row moves with
 * other processes' load, but the CPU the scimd process spends per request, and PostgreSQL's backends
 * per request, move much less. Seeds USERS users into a fresh PostgreSQL database, starts `scimd
 * serve` on it pinned to core 1 (the compiled build: `npm run build` first), and for each row (POST
 * /Users with Entra's body, PATCH /Users with Entra's replace shapes, lookup hit) drives 16
 * connections for SECONDS from core 0, reading the server's and the PostgreSQL backends' CPU time
 * (/proc, user + system) before and after. Prints req/s and CPU ms per request.
 *   SECONDS=8 ROUNDS=2 node --import tsx bench/pg-cpu.ts
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AutocannonRequest, entraPatches, entraUser, filterPath, loadGenerator, serve, stop, TOKEN, userName } from './http-harness.ts';
import { createPgDatabase, dropPgDatabase, seedScimd } from './side-by-side-seed.ts';

const SECONDS = Number(process.env['SECONDS'] ?? 8);
const ROUNDS = Number(process.env['ROUNDS'] ?? 2);
const USERS = Number(process.env['USERS'] ?? 5000);
const TICK_MS = 1000 / Number(execFileSync('getconf', ['CLK_TCK']).toString().trim());
const headers = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/scim+json' };
const autocannon = await loadGenerator();

/** user + system CPU ms of `pid` (0 once it is gone). */
function cpuOf(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
  } catch {
    return 0;
  }
}

/** CPU ms of every backend serving `database` (backends come and go with the pool: only the pool's stay). */
function backendsCpu(): Map<number, number> {
  const out = execFileSync('ps', ['-C', 'postgres', '-o', 'pid=,args=']).toString();
  const map = new Map<number, number>();
  for (const line of out.split('\n')) {
    const match = /^\s*(\d+)\s+postgres: (?:[^:]+: )?\S+ (\S+) /.exec(line);
    if (match && match[2] === DB) map.set(Number(match[1]), cpuOf(Number(match[1])));
  }
  return map;
}

const DB = `scimd_pgcpu_${process.pid}`;
const url = await createPgDatabase(DB);
const seeded = await seedScimd(url, USERS);
const dir = mkdtempSync(join(tmpdir(), 'scimd-pgcpu-'));
const server = await serve(dir, [], { DATABASE_URL: url });
const origin = new URL(server.match[1] as string).origin;
const pid = server.child.pid ?? 0;

type Row = 'POST' | 'PATCH' | 'hit';
let n = 0;
function requests(row: Row) {
  const pick = () => seeded.ids[Math.floor(Math.random() * seeded.ids.length)];
  if (row === 'POST') return [{ method: 'POST' as const, path: '/scim/v2/Users', setupRequest: (r: AutocannonRequest) => ({ ...r, body: JSON.stringify(entraUser(`cpu${process.pid}-${n++}@contoso.test`, n)) }) }];
  if (row === 'PATCH') return [{ method: 'PATCH' as const, setupRequest: (r: AutocannonRequest) => ({ ...r, path: `/scim/v2/Users/${pick()}`, body: JSON.stringify(entraPatches[n % 3]!(n++)) }) }];
  return [{ method: 'GET' as const, setupRequest: (r: AutocannonRequest) => ({ ...r, path: filterPath(userName(Math.floor(Math.random() * USERS))) }) }];
}

console.log(`pg-cpu: ${USERS} users, ${ROUNDS} rounds of ${SECONDS} s, 16 connections, server on core 1\n`);
console.log('| round | row | req/s | scimd CPU ms/request | PostgreSQL backends CPU ms/request | non-2xx |');
console.log('|---|---|---|---|---|---|');
try {
  for (let round = 1; round <= ROUNDS; round += 1) {
    for (const row of (process.env['ROWS'] ?? 'POST,PATCH,hit').split(',') as Row[]) {
      const connections = row === 'hit' ? 32 : 16;
      await autocannon({ url: origin, connections, duration: 1, headers, requests: requests(row) });
      const cpu0 = cpuOf(pid);
      const pg0 = backendsCpu();
      const r = await autocannon({ url: origin, connections, duration: SECONDS, headers, requests: requests(row) });
      const cpu1 = cpuOf(pid);
      const pg1 = backendsCpu();
      let pgMs = 0;
      for (const [backend, ms] of pg1) pgMs += ms - (pg0.get(backend) ?? 0);
      const done = (r.requests as { total?: number; average: number }).total ?? r.requests.average * SECONDS;
      console.log(`| ${round} | ${row} | ${Math.round(done / SECONDS)} | ${((cpu1 - cpu0) / done).toFixed(3)} | ${(pgMs / done).toFixed(3)} | ${r.non2xx} |`);
    }
  }
} finally {
  await stop(server.child);
  rmSync(dir, { recursive: true, force: true });
  await dropPgDatabase(DB);
}
