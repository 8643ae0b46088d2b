/**
 * What webhook delivery costs SCIM writes over HTTP (issue 10): `scimd serve` (from dist/, with its
 * delivery thread) takes Entra's POST /Users and PATCH /Users bodies from autocannon, in rounds
 * without a webhook endpoint and with one (created before the round, deleted after it), and the
 * table compares the medians. With an endpoint every write's event goes to a receiver child that
 * answers 204 and counts; a round ends when the receiver has all of its events, and the time it
 * took after the writes stopped is reported as the catch-up.
 *   npm run build && node --import tsx bench/events-http.ts
 *   DIALECT=sqlite|postgres|both (both)  SECONDS=5  ROUNDS=5  CONNECTIONS=16  USERS=1000
 *   PIN=1 (default): the server on core 1 — its main thread and delivery thread share that core —
 *   autocannon and the receiver on core 0. PIN=0: nothing pinned (the server may use both cores).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { createWebhookService } from '../src/services/webhooks.ts';
import { createStore } from '../src/store/create-store.ts';
import { entraPatches, entraUser, loadGenerator, ROOT, stop, TOKEN, type AutocannonResult } from './http-harness.ts';
import { createPgDatabase, dropPgDatabase, seedScimd, type Seeded } from './side-by-side-seed.ts';

const SECONDS = Number(process.env['SECONDS'] ?? 5);
const ROUNDS = Number(process.env['ROUNDS'] ?? 5);
const CONNECTIONS = Number(process.env['CONNECTIONS'] ?? 16);
const USERS = Number(process.env['USERS'] ?? 1000);
const PIN = process.env['PIN'] !== '0';
const DIALECTS = (process.env['DIALECT'] ?? 'both') === 'both' ? ['sqlite', 'postgres'] : [process.env['DIALECT'] as string];
const headers = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/scim+json' };
const ADMIN = { type: 'admin' as const, id: null, name: 'bench' };

const autocannon = await loadGenerator();
const median = (values: readonly number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;

/** The receiver: answers every POST with 204 and counts them; GET /count tells the count. */
const RECEIVER = `
let count = 0;
const server = require('node:http').createServer((req, res) => {
  if (req.method === 'GET') { res.end(String(count)); return; }
  req.resume();
  req.on('end', () => { count += 1; res.writeHead(204); res.end(); });
});
server.listen(0, '127.0.0.1', () => console.log('PORT ' + server.address().port));
`;

/** Starts node with `args` (on core `core` when pinning); resolves with the first stdout line matching `ready`. */
function child(args: readonly string[], env: Record<string, string>, ready: RegExp, core: number): Promise<{ child: ChildProcess; match: RegExpExecArray }> {
  const command = PIN ? ['taskset', ['-c', String(core), process.execPath, ...args]] as const : [process.execPath, args] as const;
  const proc = spawn(command[0], [...command[1]], { cwd: ROOT, env: { PATH: process.env['PATH'] ?? '', ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    proc.on('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code}`)));
    createInterface({ input: proc.stdout! }).on('line', (line) => {
      const match = ready.exec(line);
      if (match) resolve({ child: proc, match });
    });
  });
}

function serve(dataDir: string, extraEnv: Record<string, string>) {
  const env = {
    DATA_DIR: dataDir,
    PORT: '0',
    LOG_LEVEL: 'warn',
    SCIMD_RATE_LIMIT_PER_SECOND: '1000000',
    SCIMD_RATE_LIMIT_BURST: '1000000',
    SCIMD_WEBHOOK_ALLOW_PRIVATE: 'true',
    ...(process.env['SCIMD_WEBHOOK_DELIVERY_NICE'] ? { SCIMD_WEBHOOK_DELIVERY_NICE: process.env['SCIMD_WEBHOOK_DELIVERY_NICE'] } : {}),
    ...extraEnv,
  };
  return child(['bin/scimd.js', 'serve'], env, /^Tenant URL: (\S+)$/, 1);
}

interface Workload {
  readonly name: string;
  readonly requests: () => Record<string, unknown>[];
}

let created = 0;
function workloads(ids: readonly string[]): Workload[] {
  return [
    {
      name: 'POST /Users, Entra body',
      requests: () => [{ method: 'POST', path: '/scim/v2/Users', setupRequest: (r: Record<string, unknown>) => {
        created += 1;
        return { ...r, body: JSON.stringify(entraUser(`hook${created}-${process.pid}@contoso.test`, 1_000_000 + created)) };
      } }],
    },
    {
      name: 'PATCH /Users, Entra replace shapes',
      requests: () => {
        let n = 0;
        return [{ method: 'PATCH', setupRequest: (r: Record<string, unknown>) => {
          n += 1;
          const patch = entraPatches[n % entraPatches.length] as (i: number) => unknown;
          return { ...r, path: `/scim/v2/Users/${ids[n % ids.length]}`, body: JSON.stringify(patch(n)) };
        } }];
      },
    },
  ];
}

interface RoundResult {
  readonly rate: number;
  readonly p50: number;
  readonly p99: number;
  readonly catchUpMs?: number;
}

async function received(receiver: string): Promise<number> {
  return Number(await (await fetch(`${receiver}/count`)).text());
}

async function run(origin: string, workload: Workload, seconds: number): Promise<AutocannonResult & { requests: { average: number; total?: number } }> {
  const r = (await autocannon({ url: origin, connections: CONNECTIONS, duration: seconds, headers, requests: workload.requests() })) as AutocannonResult & { requests: { average: number; total?: number }; '2xx'?: number };
  if (r.non2xx > 0 || r.errors > 0) console.log(`  note: ${workload.name}: ${r.non2xx} non-2xx, ${r.errors} errors`);
  return r;
}

/** The organization's events numbered after `from`. */
async function eventsAfter(store: ReturnType<typeof createStore>, orgId: string, from: number): Promise<number> {
  let count = 0;
  let after = from;
  for (;;) {
    const page = await store.outboxEvents.page(orgId, { afterSequence: after, limit: 5000 });
    if (page.length === 0) return count;
    count += page.length;
    after = page.at(-1)!.sequence ?? after + page.length;
  }
}

/** One round with an endpoint: create it, write, wait for every event at the receiver, delete it. */
async function withEndpoint(seeded: Seeded, origin: string, receiver: string, workload: Workload): Promise<RoundResult> {
  const store = createStore({ url: seeded.url });
  const hooks = createWebhookService({ store, safety: { allowPrivate: true } });
  const ctx = { orgId: seeded.orgId, actor: ADMIN };
  try {
    const endpoint = await hooks.create(ctx, { url: `${receiver}/hooks` });
    const before = await received(receiver);
    const from = (await store.outboxEvents.position(seeded.orgId)).last;
    const r = await run(origin, workload, SECONDS);
    const stopped = performance.now();
    // A write that changed nothing (Entra's PATCH may repeat a value) has no event: count the events.
    const events = await eventsAfter(store, seeded.orgId, from);
    const deadline = stopped + 120_000;
    while ((await received(receiver)) - before < events) {
      if (performance.now() > deadline) throw new Error(`only ${(await received(receiver)) - before} of ${events} events arrived within 120 s`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const catchUpMs = performance.now() - stopped;
    await hooks.delete(ctx, endpoint.id);
    return { rate: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, catchUpMs };
  } finally {
    await store.close();
  }
}

async function without(origin: string, workload: Workload): Promise<RoundResult> {
  const r = await run(origin, workload, SECONDS);
  return { rate: r.requests.average, p50: r.latency.p50, p99: r.latency.p99 };
}

async function dialect(name: string, dir: string, receiver: string): Promise<void> {
  const pgName = `scimd_events_http_${process.pid}`;
  const seeded = name === 'postgres' ? await seedScimd(await createPgDatabase(pgName), USERS) : await seedScimd(join(dir, 'scimd.db'), USERS);
  const server = await serve(name === 'postgres' ? mkdtempSync(join(dir, 'pg-')) : dir, name === 'postgres' ? { DATABASE_URL: seeded.url } : {});
  const origin = new URL(server.match[1] as string).origin;
  try {
    console.log(`\n# ${name}: ${CONNECTIONS} connections, ${SECONDS} s × ${ROUNDS} rounds each way, ${PIN ? 'server pinned to core 1 (with its delivery thread), load and receiver on core 0' : 'nothing pinned'}`);
    console.log('| workload | without delivery (req/s) | with delivery (req/s) | slower by | p50 / p99 without (ms) | p50 / p99 with (ms) | catch-up after the writes (ms, median / max) |');
    console.log('|---|---|---|---|---|---|---|');
    for (const workload of workloads(seeded.ids)) {
      // Warm-up of both paths.
      await run(origin, workload, 1);
      await withEndpoint(seeded, origin, receiver, workload);
      const off: RoundResult[] = [];
      const on: RoundResult[] = [];
      for (let round = 0; round < ROUNDS; round += 1) {
        // The order alternates, so a drift of the machine falls on both sides.
        if (round % 2 === 0) {
          off.push(await without(origin, workload));
          on.push(await withEndpoint(seeded, origin, receiver, workload));
        } else {
          on.push(await withEndpoint(seeded, origin, receiver, workload));
          off.push(await without(origin, workload));
        }
        console.error(`  ${new Date().toISOString().slice(11, 19)} ${name} ${workload.name} round ${round + 1}: without ${Math.round(off.at(-1)!.rate)}, with ${Math.round(on.at(-1)!.rate)} req/s (load ${loadavg()[0]!.toFixed(2)})`);
      }
      const a = median(off.map((r) => r.rate));
      const b = median(on.map((r) => r.rate));
      const catchUps = on.map((r) => r.catchUpMs ?? 0);
      console.log(`| ${workload.name} | ${Math.round(a)} (${off.map((r) => Math.round(r.rate)).join(' / ')}) | ${Math.round(b)} (${on.map((r) => Math.round(r.rate)).join(' / ')}) | ${((1 - b / a) * 100).toFixed(1)} % | ${median(off.map((r) => r.p50))} / ${median(off.map((r) => r.p99))} | ${median(on.map((r) => r.p50))} / ${median(on.map((r) => r.p99))} | ${Math.round(median(catchUps))} / ${Math.round(Math.max(...catchUps))} |`);
    }
  } finally {
    await stop(server.child);
    if (name === 'postgres') await dropPgDatabase(pgName);
  }
}

const dir = mkdtempSync(join(tmpdir(), 'scimd-events-http-'));
const receiverProc = await child(['-e', RECEIVER], {}, /^PORT (\d+)$/, 0);
const receiver = `http://127.0.0.1:${receiverProc.match[1]}`;
try {
  for (const name of DIALECTS) await dialect(name, mkdtempSync(join(dir, `${name}-`)), receiver);
} finally {
  await stop(receiverProc.child);
  if (process.env['KEEP'] === undefined) rmSync(dir, { recursive: true, force: true });
  else console.log(`kept ${dir}`);
}
