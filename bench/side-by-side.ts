/**
 * Side by side (issue 15): the same workloads against scimd on SQLite (durable acknowledgements),
 * scimd on PostgreSQL, the SCIMMY peer (scimmy + scimmy-routers, in-memory: bench/scimmy-peer-server.ts)
 * and a bare node:http server answering a fixed SCIM ListResponse — each server pinned to core 1 in
 * turn, autocannon and the sequential clients in this process on core 0 — and one table of rates and
 * ratios. Only ratios within one run mean something on a shared machine; the per-request rows run
 * against every server in turn (all four are started first and stay up), the time rows server by server.
 *   npm run bench -- side-by-side                 (SECONDS=5 USERS=5000 ROUNDS=50 BIG_GROUP=100000)
 *   ONLY=sqlite,peer,bare npm run bench -- side-by-side     (a subset of the servers)
 *   ROWS=hit,miss npm run bench -- side-by-side              (a subset of the rows)
 *   RATE_ROUNDS=3 npm run bench -- side-by-side              (per-request rows three times, medians)
 *   PG_CPUS=0 npm run bench -- side-by-side                  (PostgreSQL's backends off the servers' core,
 *                                                             as where the database has cores of its own;
 *                                                             restored to every CPU at the end)
 * Rows: lookup `userName eq` hit and miss (32 connections), POST /Users with Entra's body and PATCH
 * /Users/{id} with Entra's replace shapes (16 connections), walking 10,000 users 100 a page (cursor
 * for scimd, startIndex for the peer, which has no cursors; users are topped up over SCIM first),
 * and Entra's PATCH adding 100 members to a group of 100 and of BIG_GROUP members (ROUNDS sequential
 * requests over one connection, p50).
 */
import { execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { entraPatches, entraUser, filterPath, loadGenerator, pinned, serve, stop, TOKEN, userName, type AutocannonRequest } from './http-harness.ts';
import { createPgDatabase, dropPgDatabase, seedGroups, seedScimd, type Seeded } from './side-by-side-seed.ts';

const SECONDS = Number(process.env['SECONDS'] ?? 5);
const USERS = Number(process.env['USERS'] ?? 5000);
const ROUNDS = Number(process.env['ROUNDS'] ?? 50);
const RATE_ROUNDS = Math.max(1, Number(process.env['RATE_ROUNDS'] ?? 1));
/** PG_CPUS=0: PostgreSQL's backends for scimd run on these CPUs (with the load generator), off the servers' core. */
const PG_CPUS = process.env['PG_CPUS'];

/** The postmaster: the postgres process whose parent is not a postgres process. */
function postmasterPid(): string {
  const rows = execFileSync('ps', ['-C', 'postgres', '-o', 'pid=,ppid=']).toString().trim().split('\n').map((l) => l.trim().split(/\s+/));
  const pids = new Set(rows.map((r) => r[0]));
  const root = rows.find((r) => !pids.has(r[1]));
  if (root?.[0] === undefined) throw new Error('PG_CPUS: no postmaster found (is PostgreSQL local?)');
  return root[0];
}
const BIG_GROUP = Number(process.env['BIG_GROUP'] ?? 100_000);
const LIST_USERS = 10_000;
const PEER_BIG_ROUNDS = 3;
const PEER_BIG_TIMEOUT_MS = 120_000;
const ONLY = new Set((process.env['ONLY'] ?? 'sqlite,postgres,peer,bare').split(','));
/** The rows to run (all by default); e.g. ROWS=hit,miss for the lookups alone. */
const ONLY_ROWS = new Set((process.env['ROWS'] ?? 'hit,miss,post,patch,list,group100,groupBig').split(','));
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const headers = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/scim+json' };

const autocannon = await loadGenerator();
type Row = 'hit' | 'miss' | 'post' | 'patch' | 'list' | 'group100' | 'groupBig';
type Results = Partial<Record<Row, number>>;
const notes: string[] = [];
const progress = (what: string) => console.error(`  ${new Date().toISOString().slice(11, 19)} ${what}`);
let scimdHitBody: string | undefined;

async function rate(url: string, connections: number, requests: AutocannonRequest[], label: string): Promise<number> {
  progress(label);
  await autocannon({ url, connections, duration: 1, headers, requests });
  const r = await autocannon({ url, connections, duration: SECONDS, headers, requests });
  if (r.non2xx > 0 || r.errors > 0) notes.push(`${label}: ${r.non2xx} non-2xx, ${r.errors} errors`);
  return Math.round(r.requests.average);
}

async function call(url: string, init: RequestInit = {}, timeoutMs = 600_000): Promise<string> {
  const response = await fetch(url, { ...init, headers, signal: AbortSignal.timeout(timeoutMs) });
  const text = await response.text();
  if (response.status >= 300) throw new Error(`${init.method ?? 'GET'} ${url}: ${response.status} ${text.slice(0, 300)}`);
  return text;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;

/** Creates users over SCIM (8 at a time) until the server holds `total`. */
async function topUp(base: string, total: number): Promise<void> {
  const have = (JSON.parse(await call(`${base}/Users?count=0`)) as { totalResults: number }).totalResults;
  let next = 0;
  await Promise.all(Array.from({ length: 8 }, async () => {
    for (let n = next++; n < total - have; n = next++) {
      await call(`${base}/Users`, { method: 'POST', body: JSON.stringify(entraUser(`fill${n}@contoso.test`, 2_000_000 + n)) });
    }
  }));
}

/**
 * Seconds to walk every user 100 a page (median of `walks` walks). A walk that passes `limitSeconds`
 * stops, and its time is extrapolated from the pages it read (noted under the table).
 */
async function walk(label: string, base: string, byCursor: boolean, walks = 3, limitSeconds = 60): Promise<number> {
  const times: number[] = [];
  for (let w = 0; w < walks; w += 1) {
    const started = performance.now();
    let seen = 0;
    let total: number;
    for (let path: string | undefined = byCursor ? '/Users?count=100&cursor=' : '/Users?count=100&startIndex=1'; path !== undefined; ) {
      const page = JSON.parse(await call(`${base}${path}`)) as { Resources?: unknown[]; nextCursor?: string; totalResults: number };
      seen += page.Resources?.length ?? 0;
      total = page.totalResults;
      if (byCursor) path = page.nextCursor === undefined ? undefined : `/Users?count=100&cursor=${encodeURIComponent(page.nextCursor)}`;
      else path = seen < page.totalResults && (page.Resources?.length ?? 0) > 0 ? `/Users?count=100&startIndex=${seen + 1}` : undefined;
      const elapsed = (performance.now() - started) / 1000;
      if (path !== undefined && elapsed > limitSeconds) {
        notes.push(`${label}: the walk was stopped after ${elapsed.toFixed(0)} s at ${seen} of ${total} users; its time is extrapolated`);
        return (elapsed * total) / seen;
      }
    }
    if (seen < LIST_USERS) throw new Error(`${label}: the walk saw ${seen} users`);
    times.push((performance.now() - started) / 1000);
  }
  return median(times);
}

/** p50 milliseconds of Entra's PATCH adding 100 members, `rounds` times in sequence. */
async function addMembers(base: string, groupId: string, spare: string[], rounds: number, timeoutMs?: number): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < rounds; i += 1) {
    const value = spare.splice(0, 100).map((id) => ({ value: id }));
    const started = performance.now();
    await call(`${base}/Groups/${groupId}`, { method: 'PATCH', body: JSON.stringify({ schemas: [PATCH_OP], Operations: [{ op: 'Add', path: 'members', value }] }) }, timeoutMs);
    times.push(performance.now() - started);
  }
  return median(times);
}

/** A running SCIM server under test. */
interface Target {
  readonly label: string;
  readonly origin: string;
  /** `/scim/v2` for scimd, `/scim` for the peer. */
  readonly prefix: string;
  readonly ids: readonly string[];
  readonly out: Results;
}

/**
 * The per-request rows, interleaved: each row runs against every server in turn, so a change in the
 * shared machine's load hits the servers of one row alike.
 */
async function requestRows(targets: readonly Target[], bareOrigin: string | undefined, round: number): Promise<number | undefined> {
  const pick = () => Math.floor(Math.random() * USERS);
  const lookup = (t: Target, name: string) => `${t.prefix}/Users?filter=${encodeURIComponent(`userName eq "${name}"`)}`;
  let bareRate: number | undefined;
  if (ONLY_ROWS.has('hit')) for (const t of targets) t.out.hit = await rate(t.origin, 32, [{ setupRequest: (r) => ({ ...r, method: 'GET', path: lookup(t, userName(pick())) }) }], `${t.label} hit`);
  if (bareOrigin !== undefined && (ONLY_ROWS.has('hit') || ONLY_ROWS.has('miss'))) bareRate = await rate(bareOrigin, 32, [{ method: 'GET', path: filterPath(userName(1)) }], 'bare');
  if (ONLY_ROWS.has('miss')) for (const t of targets) t.out.miss = await rate(t.origin, 32, [{ setupRequest: (r) => ({ ...r, method: 'GET', path: lookup(t, `nobody${pick()}@contoso.test`) }) }], `${t.label} miss`);
  if (ONLY_ROWS.has('post')) for (const t of targets) {
    let created = 0;
    t.out.post = await rate(t.origin, 16, [{ setupRequest: (r) => ({ ...r, method: 'POST', path: `${t.prefix}/Users`, body: JSON.stringify(entraUser(`new${round}-${(created += 1)}@contoso.test`, created)) }) }], `${t.label} POST`);
  }
  if (ONLY_ROWS.has('patch')) for (const t of targets) {
    let patched = 0;
    t.out.patch = await rate(t.origin, 16, [{
      setupRequest: (r) => {
        patched += 1;
        const shape = entraPatches[patched % entraPatches.length] as (n: number) => unknown;
        return { ...r, method: 'PATCH', path: `${t.prefix}/Users/${t.ids[pick()]}`, body: JSON.stringify(shape(patched)) };
      },
    }], `${t.label} PATCH`);
  }
  return bareRate;
}

/** scimd's listing and group rows. */
async function scimdTail(t: Target, seeded: Seeded): Promise<void> {
  const base = `${t.origin}/scim/v2`;
  progress(`${t.label} top up to 10,000 users, walk`);
  await topUp(base, LIST_USERS);
  t.out.list = await walk(t.label, base, true);
  progress(`${t.label} groups`);
  const spareCount = ROUNDS * 100 * 2 + 100;
  const { groups, ids } = await seedGroups(seeded, BIG_GROUP + spareCount, [100, BIG_GROUP]);
  const spare = ids.slice(BIG_GROUP);
  await addMembers(base, groups[0] as string, spare, 10); // warm-up
  t.out.group100 = await addMembers(base, groups[0] as string, spare, ROUNDS);
  t.out.groupBig = await addMembers(base, groups[1] as string, spare, ROUNDS);
}

/** The peer's listing and group rows. */
async function peerTail(t: Target): Promise<void> {
  const base = `${t.origin}/scim`;
  progress('peer walk');
  await call(`${t.origin}/bench/seed`, { method: 'POST', body: JSON.stringify({ users: LIST_USERS }) });
  t.out.list = await walk('peer', base, false, 1);
  const seedGroup = async (members: number, users: number) =>
    JSON.parse(await call(`${t.origin}/bench/seed`, { method: 'POST', body: JSON.stringify({ users, group: members }) })) as { groupId: string; ids: string[] };
  progress('peer groups');
  const small = await seedGroup(100, LIST_USERS + 20_000);
  const spare = small.ids.slice(LIST_USERS);
  await addMembers(base, small.groupId, spare, 3);
  t.out.group100 = await addMembers(base, small.groupId, spare, ROUNDS);
  const big = await seedGroup(BIG_GROUP, BIG_GROUP + 1000);
  progress('peer big group');
  try {
    t.out.groupBig = await addMembers(base, big.groupId, big.ids.slice(BIG_GROUP), PEER_BIG_ROUNDS, PEER_BIG_TIMEOUT_MS);
    notes.push(`peer: group of ${BIG_GROUP} measured over ${PEER_BIG_ROUNDS} requests`);
  } catch (error) {
    if ((error as Error).name !== 'TimeoutError') throw error;
    t.out.groupBig = PEER_BIG_TIMEOUT_MS;
    notes.push(`peer: a PATCH of the group of ${BIG_GROUP} did not answer within ${PEER_BIG_TIMEOUT_MS / 1000} s; the row shows that bound (a lower bound of its time)`);
  }
  notes.push('peer: walks by startIndex (it has no cursors), one walk');
}

/** Starts the bare node:http server answering `body` to everything. */
function bare(body: string) {
  const code = `const b=${JSON.stringify(body)};require('node:http').createServer((q,s)=>{s.writeHead(200,{'content-type':'application/scim+json; charset=utf-8'});s.end(b)}).listen(0,'127.0.0.1',function(){console.log('PORT '+this.address().port)})`;
  return pinned(['-e', code], {}, /^PORT (\d+)$/);
}

const fmt = (v: number | undefined, digits = 0) => (v === undefined || Number.isNaN(v) ? '—' : v.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }));
/** How many times better `a` is than `b`: a rate ratio, or the inverse ratio of times. */
const better = (row: Row, a: number | undefined, b: number | undefined) => {
  if (a === undefined || b === undefined || a === 0 || b === 0) return '—';
  const r = TIMES.has(row) ? b / a : a / b;
  return r >= 10 ? `${r.toFixed(0)}×` : `${r.toFixed(2)}×`;
};
const TIMES = new Set<Row>(['list', 'group100', 'groupBig']);
const ROWS: [Row, string][] = [
  ['hit', 'lookup userName eq, hit (req/s, 32 conn.)'],
  ['miss', 'lookup userName eq, miss (req/s, 32 conn.)'],
  ['post', 'POST /Users, Entra body (req/s, 16 conn.)'],
  ['patch', 'PATCH /Users, Entra replace shapes (req/s, 16 conn.)'],
  ['list', `list ${LIST_USERS.toLocaleString('en-US')} users, 100 a page (s, median of 3)`],
  ['group100', 'PATCH add 100 members, group of 100 (ms, p50)'],
  ['groupBig', `PATCH add 100 members, group of ${BIG_GROUP.toLocaleString('en-US')} (ms, p50)`],
];

const dir = mkdtempSync(join(tmpdir(), 'scimd-side-by-side-'));
const pgName = `scimd_side_by_side_${process.pid}`;
const results: Record<'sqlite' | 'postgres' | 'peer', Results> = { sqlite: {}, postgres: {}, peer: {} };
const children: ChildProcess[] = [];
let bareRate: number | undefined;
try {
  console.log(`side by side: ${USERS} users, ${SECONDS} s per rate, servers on core 1, load on core 0`);
  const targets: Target[] = [];
  const tails: (() => Promise<void>)[] = [];
  const started = async (label: 'sqlite' | 'postgres', seeded: Seeded, dataDir: string, env: Record<string, string>) => {
    const server = await serve(dataDir, [], env);
    children.push(server.child);
    const target = { label, origin: new URL(server.match[1] as string).origin, prefix: '/scim/v2', ids: seeded.ids, out: results[label] };
    targets.push(target);
    tails.push(() => scimdTail(target, seeded));
    scimdHitBody ??= await call(`${target.origin}/scim/v2/Users?filter=${encodeURIComponent(`userName eq "${userName(1)}"`)}`);
  };
  if (ONLY.has('sqlite')) await started('sqlite', await seedScimd(join(dir, 'scimd.db'), USERS), dir, {});
  if (ONLY.has('postgres')) {
    const seeded = await seedScimd(await createPgDatabase(pgName), USERS);
    if (PG_CPUS !== undefined) {
      // New backends inherit the postmaster's CPUs: the server's connections open after this.
      execFileSync('taskset', ['-p', '-c', PG_CPUS, postmasterPid()], { stdio: 'ignore' });
      notes.push(`PostgreSQL's backends on CPU ${PG_CPUS} (PG_CPUS), off the servers' core`);
    }
    await started('postgres', seeded, mkdtempSync(join(dir, 'pg-')), { DATABASE_URL: seeded.url });
  }
  if (ONLY.has('peer')) {
    const server = await pinned(['--import', 'tsx', 'bench/scimmy-peer-server.ts'], { USERS: String(USERS) }, /^PORT (\d+)$/);
    children.push(server.child);
    const origin = `http://127.0.0.1:${server.match[1]}`;
    const ids = (JSON.parse(await call(`${origin}/bench/seed`, { method: 'POST', body: '{}' })) as { ids: string[] }).ids;
    const target = { label: 'peer', origin, prefix: '/scim', ids, out: results.peer };
    targets.push(target);
    tails.push(() => peerTail(target));
  }
  let bareOrigin: string | undefined;
  if (ONLY.has('bare')) {
    // The body scimd answered a lookup hit with (or one like it when scimd did not run).
    const hitBody = scimdHitBody ?? JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'], totalResults: 1, itemsPerPage: 1, startIndex: 1, Resources: [{ ...entraUser(userName(1), 1), id: '0193a4e8-7b7c-7c1e-9f57-3c1f0d2b9a11', groups: [], meta: { resourceType: 'User', created: '2026-12-03T20:00:00.000Z', lastModified: '2026-12-03T20:00:00.000Z', location: 'http://127.0.0.1:8080/scim/v2/Users/0193a4e8-7b7c-7c1e-9f57-3c1f0d2b9a11', version: 'W/"1"' } }] });
    const server = await bare(hitBody);
    children.push(server.child);
    bareOrigin = `http://127.0.0.1:${server.match[1]}`;
  }
  // RATE_ROUNDS > 1: the per-request rows run that many times, interleaved, and each server's
  // median goes into the table (one 5 s sample can fall on a checkpoint or an autovacuum).
  const samples = new Map<Target, Map<string, number[]>>(targets.map((t) => [t, new Map()]));
  const bareSamples: number[] = [];
  for (let round = 1; round <= RATE_ROUNDS; round += 1) {
    const bareOfRound = await requestRows(targets, bareOrigin, round);
    if (bareOfRound !== undefined) bareSamples.push(bareOfRound);
    for (const t of targets) {
      for (const row of ['hit', 'miss', 'post', 'patch'] as const) {
        const value = t.out[row];
        if (value !== undefined) samples.get(t)?.set(row, [...(samples.get(t)?.get(row) ?? []), value]);
      }
    }
  }
  if (RATE_ROUNDS > 1) {
    for (const t of targets) for (const [row, values] of samples.get(t) ?? []) t.out[row as 'hit'] = median(values);
    notes.push(`per-request rows: median of ${RATE_ROUNDS} interleaved rounds (${targets.map((t) => `${t.label} POST ${(samples.get(t)?.get('post') ?? []).join('/')}, PATCH ${(samples.get(t)?.get('patch') ?? []).join('/')}`).join('; ')})`);
  }
  bareRate = bareSamples.length > 0 ? median(bareSamples) : undefined;
  if (['list', 'group100', 'groupBig'].some((row) => ONLY_ROWS.has(row))) for (const tail of tails) await tail();
  const { sqlite, postgres, peer: p } = results;
  console.log(`\n| row | scimd SQLite | scimd PostgreSQL | SCIMMY peer | bare node:http | SQLite vs bare | SQLite vs peer | PostgreSQL vs peer | PostgreSQL vs SQLite |`);
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const [row, title] of ROWS) {
    const digits = row === 'list' ? 2 : TIMES.has(row) ? 1 : 0;
    const b = row === 'hit' || row === 'miss' ? bareRate : undefined;
    console.log(`| ${title} | ${fmt(sqlite[row], digits)} | ${fmt(postgres[row], digits)} | ${fmt(p[row], digits)} | ${fmt(b)} | ${better(row, sqlite[row], b)} | ${better(row, sqlite[row], p[row])} | ${better(row, postgres[row], p[row])} | ${better(row, postgres[row], sqlite[row])} |`);
  }
  console.log('\n"vs" columns: how many times better the first is (rate ratio; for times, the inverse ratio).');
  for (const note of notes) console.log(`note: ${note}`);
} finally {
  if (PG_CPUS !== undefined) {
    // Every PostgreSQL process back on every CPU (the postmaster and the backends it forked meanwhile).
    const all = `0-${cpus().length - 1}`;
    for (const pid of execFileSync('ps', ['-C', 'postgres', '-o', 'pid=']).toString().split('\n').map((l) => l.trim()).filter(Boolean)) {
      try {
        execFileSync('taskset', ['-p', '-c', all, pid], { stdio: 'ignore' });
      } catch {
        // A backend that ended meanwhile.
      }
    }
  }
  for (const child of children) await stop(child);
  if (ONLY.has('postgres')) await dropPgDatabase(pgName);
  rmSync(dir, { recursive: true, force: true });
}
