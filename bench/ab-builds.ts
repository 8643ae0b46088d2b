/**
 * A/B of two scimd builds on SQLite, in one run: seeds two data directories alike, starts `BEFORE`'s
 * `bin/scimd.js` (another checkout, built) and this tree's, both pinned to core 1, and drives each
 * workload (hit, miss, post, patch) against A then B, ROUNDS times, from core 0 with autocannon;
 * prints each rate and B/A, and each server's CPU time per request (user + system, all its threads,
 * from /proc/<pid>/stat): on a machine shared with other work the rates swing with the load, while
 * the CPU a request costs stays put, so that is the figure to compare. Both servers are up at once,
 * so a change of the machine's load hits them alike within a round.
 *   BEFORE=/tmp/readpath-before SECONDS=5 ROUNDS=3 node --import tsx bench/ab-builds.ts
 *   BEFORE=. A_ENV=SCIMD_WEBHOOK_DELIVERY=false …   (this build against itself, one setting apart)
 *   DIALECT=postgres …   (each server on its own fresh PostgreSQL database, A's seeded by A's code;
 *                         the backends' CPU per request is shown beside the server's, and their sum
 *                         compared)
 * Odd rounds run A first, even rounds B first.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { entraPatches, entraUser, filterPath, loadGenerator, pinned, seed, stop, TOKEN, userName, type AutocannonRequest } from './http-harness.ts';
import { createPgDatabase, dropPgDatabase, seedScimd } from './side-by-side-seed.ts';

const BEFORE = process.env['BEFORE'];
if (BEFORE === undefined) throw new Error('set BEFORE to the root of the other (built) checkout');
const SECONDS = Number(process.env['SECONDS'] ?? 5);
const ROUNDS = Number(process.env['ROUNDS'] ?? 3);
const USERS = Number(process.env['USERS'] ?? 5000);
const WORKLOADS = (process.env['WORKLOADS'] ?? 'hit,miss,post,patch').split(',');
const POSTGRES = process.env['DIALECT'] === 'postgres';
const pgNames = [`scimd_ab_a_${process.pid}`, `scimd_ab_b_${process.pid}`];

/** `NAME=value,…` pairs of a setting such as SERVER_ENV. */
const pairs = (list: string | undefined): Record<string, string> =>
  Object.fromEntries((list ?? '').split(',').filter((kv) => kv.includes('=')).map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));

const env = (dataDir: string, databaseUrl: string | undefined, side: 'A' | 'B') => ({
  ...(databaseUrl === undefined ? {} : { DATABASE_URL: databaseUrl }),
  DATA_DIR: dataDir,
  PORT: '0',
  LOG_LEVEL: 'warn',
  SCIMD_RATE_LIMIT_PER_SECOND: '1000000',
  SCIMD_RATE_LIMIT_BURST: '1000000',
  SCIMD_SQLITE_SYNCHRONOUS: 'full',
  // SERVER_ENV="SCIMD_WEBHOOK_DELIVERY=false,…": more settings for both servers.
  ...pairs(process.env['SERVER_ENV']),
  // A_ENV / B_ENV: settings for one side only (BEFORE=. compares this build with itself under two settings).
  ...pairs(process.env[`${side}_ENV`]),
});

/** CPU seconds (user + system) the process has used so far. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
}

/**
 * Seeds A's PostgreSQL database with A's own code, so that it carries A's migrations (a build
 * refuses a database migrated past what it knows, and a schema change is often what is compared).
 */
async function seedWithBefore(url: string): Promise<{ ids: string[]; url: string }> {
  const script = `const m = await import(${JSON.stringify(join(BEFORE!, 'bench/side-by-side-seed.ts'))}); const s = await m.seedScimd(${JSON.stringify(url)}, ${USERS}); process.stdout.write(JSON.stringify(s.ids));`;
  const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: BEFORE, maxBuffer: 64 * 1024 * 1024 });
  return { ids: JSON.parse(out.toString()) as string[], url };
}

/** CPU seconds of the PostgreSQL backends serving `database` (0 on SQLite). */
function backendsSeconds(database: string | undefined): number {
  if (database === undefined) return 0;
  let total = 0;
  for (const line of execFileSync('ps', ['-C', 'postgres', '-o', 'pid=,args=']).toString().split('\n')) {
    const match = /^\s*(\d+)\s+postgres: (?:[^:]+: )?\S+ (\S+) /.exec(line);
    if (match?.[2] !== database) continue;
    try {
      total += cpuSeconds(Number(match[1]));
    } catch {
      // The backend ended between ps and /proc.
    }
  }
  return total;
}

const autocannon = await loadGenerator();
const dirs = [mkdtempSync(join(tmpdir(), 'scimd-ab-a-')), mkdtempSync(join(tmpdir(), 'scimd-ab-b-'))];
try {
  const seeded = POSTGRES
    ? [await seedWithBefore(await createPgDatabase(pgNames[0]!)), await seedScimd(await createPgDatabase(pgNames[1]!), USERS)]
    : [{ ids: await seed(dirs[0]!, USERS), url: undefined }, { ids: await seed(dirs[1]!, USERS), url: undefined }];
  const ids = seeded.map((s) => s.ids);
  const servers = [
    await pinned([join(BEFORE, 'bin/scimd.js'), 'serve'], env(dirs[0]!, seeded[0]!.url, 'A'), /^Tenant URL: (\S+)$/),
    await pinned(['bin/scimd.js', 'serve'], env(dirs[1]!, seeded[1]!.url, 'B'), /^Tenant URL: (\S+)$/),
  ];
  const random = () => Math.floor(Math.random() * USERS);
  let n = 0;
  const workload = (name: string, side: number): [number, AutocannonRequest] => {
    const tag = side === 0 ? 'a' : 'b';
    switch (name) {
      case 'hit': return [32, { setupRequest: (r) => ({ ...r, method: 'GET', path: filterPath(userName(random())) }) }];
      case 'miss': return [32, { setupRequest: (r) => ({ ...r, method: 'GET', path: filterPath(`nobody${random()}@contoso.test`) }) }];
      case 'post': return [16, { setupRequest: (r) => ({ ...r, method: 'POST', path: '/scim/v2/Users', body: JSON.stringify(entraUser(`new-${tag}${(n += 1)}@contoso.test`, n)) }) }];
      default: return [16, { setupRequest: (r) => ({ ...r, method: 'PATCH', path: `/scim/v2/Users/${ids[side]![random()]}`, body: JSON.stringify(entraPatches[(n += 1) % 3]!(n)) }) }];
    }
  };
  const headers = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/scim+json' };
  console.log(`A = ${BEFORE}, B = this tree; ${USERS} users, ${SECONDS} s per rate, ${ROUNDS} rounds, servers on core 1, load on core 0`);
  console.log(
    `| round | workload | A req/s | B req/s | B / A | A CPU µs/req | B CPU µs/req | A / B CPU |${POSTGRES ? ' A backends µs/req | B backends µs/req | A / B all CPU |' : ''}\n|---|---|---|---|---|---|---|---|${POSTGRES ? '---|---|---|' : ''}`,
  );
  const ratios = new Map<string, number[]>();
  const cpuRatios = new Map<string, number[]>();
  const allCpuRatios = new Map<string, number[]>();
  for (let round = 1; round <= ROUNDS; round += 1) {
    for (const name of WORKLOADS) {
      const rates: number[] = [];
      const cpu: number[] = [];
      const backends: number[] = [];
      // Odd rounds run A first, even rounds B first: what one run leaves the database to do
      // (autovacuum, a checkpoint) falls on the other side as often as on this one.
      for (const side of round % 2 === 1 ? [0, 1] : [1, 0]) {
        const [connections, request] = workload(name, side);
        const origin = new URL(servers[side]!.match[1] as string).origin;
        const pid = servers[side]!.child.pid!;
        const database = POSTGRES ? pgNames[side] : undefined;
        const cpuBefore = cpuSeconds(pid);
        const backendsBefore = backendsSeconds(database);
        const result = await autocannon({ url: origin, connections, duration: SECONDS, headers, requests: [request] });
        if (result.non2xx > 0 || result.errors > 0) console.log(`note: ${side === 0 ? 'A' : 'B'} ${name}: ${result.non2xx} non-2xx, ${result.errors} errors`);
        const total = (result.requests as unknown as { total: number }).total;
        rates[side] = result.requests.average;
        cpu[side] = ((cpuSeconds(pid) - cpuBefore) * 1e6) / total;
        backends[side] = ((backendsSeconds(database) - backendsBefore) * 1e6) / total;
      }
      const ratio = rates[1]! / rates[0]!;
      ratios.set(name, [...(ratios.get(name) ?? []), ratio]);
      cpuRatios.set(name, [...(cpuRatios.get(name) ?? []), cpu[0]! / cpu[1]!]);
      const all = (cpu[0]! + backends[0]!) / (cpu[1]! + backends[1]!);
      allCpuRatios.set(name, [...(allCpuRatios.get(name) ?? []), all]);
      const pgColumns = POSTGRES ? ` ${Math.round(backends[0]!)} | ${Math.round(backends[1]!)} | ${all.toFixed(2)} |` : '';
      console.log(`| ${round} | ${name} | ${Math.round(rates[0]!)} | ${Math.round(rates[1]!)} | ${ratio.toFixed(2)} | ${Math.round(cpu[0]!)} | ${Math.round(cpu[1]!)} | ${(cpu[0]! / cpu[1]!).toFixed(2)} |${pgColumns}`);
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  for (const [name, xs] of ratios) console.log(`median B / A rate ${name}: ${median(xs).toFixed(2)} (${xs.map((x) => x.toFixed(2)).join(', ')})`);
  for (const [name, xs] of cpuRatios) console.log(`median A / B CPU per request ${name}: ${median(xs).toFixed(2)} (${xs.map((x) => x.toFixed(2)).join(', ')})`);
  if (POSTGRES) for (const [name, xs] of allCpuRatios) console.log(`median A / B CPU per request, server and backends ${name}: ${median(xs).toFixed(2)} (${xs.map((x) => x.toFixed(2)).join(', ')})`);
  for (const server of servers) await stop(server.child);
} finally {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  if (POSTGRES) for (const name of pgNames) await dropPgDatabase(name);
}
