/**
 * PostgreSQL writes against SQLite writes (issue 15: every row ≥ 60 % of SQLite): POST /Users with
 * Entra's body and PATCH /Users/{id} with Entra's replace shapes, 16 connections, against scimd on
 * SQLite (durable acknowledgements) and scimd on PostgreSQL — both started first, both pinned to
 * core 1, autocannon in this process on core 0 — and the PostgreSQL/SQLite ratio of each row. Each
 * round runs a row against SQLite and then PostgreSQL (then the next row), so a change in the shared
 * machine's load hits both alike; only the ratios mean something. Needs `npm run build` (the servers
 * run the compiled `bin/scimd.js`).
 *   SECONDS=5 ROUNDS=2 node --import tsx bench/pg-writes.ts      (USERS=5000 seeded first)
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { entraPatches, entraUser, loadGenerator, serve, stop, TOKEN } from './http-harness.ts';
import { createPgDatabase, dropPgDatabase, seedScimd, type Seeded } from './side-by-side-seed.ts';

const SECONDS = Number(process.env['SECONDS'] ?? 5);
const ROUNDS = Number(process.env['ROUNDS'] ?? 2);
const USERS = Number(process.env['USERS'] ?? 5000);
const CONNECTIONS = 16;
for (const [name, value] of [['SECONDS', SECONDS], ['ROUNDS', ROUNDS], ['USERS', USERS]] as const) {
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer, got ${process.env[name]}`);
}
const headers = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/scim+json' };
const autocannon = await loadGenerator();

interface Target {
  readonly label: 'SQLite' | 'PostgreSQL';
  readonly origin: string;
  readonly ids: readonly string[];
}
type Row = 'POST' | 'PATCH';

/** Requests per second of one workload: 1 s of warm-up, then SECONDS measured. */
async function rate(target: Target, row: Row, round: number): Promise<number> {
  let n = 0;
  const pick = () => Math.floor(Math.random() * target.ids.length);
  const request = row === 'POST'
    ? () => {
        n += 1;
        const name = `r${round}-${n}@contoso.test`;
        return { method: 'POST', path: '/scim/v2/Users', body: JSON.stringify(entraUser(name, 1_000_000 * round + n)) };
      }
    : () => {
        n += 1;
        const shape = entraPatches[n % entraPatches.length] as (k: number) => unknown;
        return { method: 'PATCH', path: `/scim/v2/Users/${target.ids[pick()]}`, body: JSON.stringify(shape(n)) };
      };
  const requests = [{ setupRequest: (r: object) => ({ ...r, ...request() }) }];
  // The warm-up and the measurement share the counter, so every POST creates a new userName.
  await autocannon({ url: target.origin, connections: CONNECTIONS, duration: 1, headers, requests });
  const r = await autocannon({ url: target.origin, connections: CONNECTIONS, duration: SECONDS, headers, requests });
  if (r.non2xx > 0 || r.errors > 0) throw new Error(`${target.label} ${row}: ${r.non2xx} non-2xx responses, ${r.errors} errors`);
  return Math.round(r.requests.average);
}

const dir = mkdtempSync(join(tmpdir(), 'scimd-pg-writes-'));
const pgName = `scimd_pg_writes_${process.pid}`;
const children: ChildProcess[] = [];
try {
  console.log(`pg-writes: ${USERS} users, ${ROUNDS} rounds of ${SECONDS} s per rate, ${CONNECTIONS} connections, servers on core 1`);
  const start = async (label: Target['label'], seeded: Seeded, dataDir: string, env: Record<string, string>): Promise<Target> => {
    const server = await serve(dataDir, [], env);
    children.push(server.child);
    return { label, origin: new URL(server.match[1] as string).origin, ids: seeded.ids };
  };
  const sqlite = await start('SQLite', await seedScimd(join(dir, 'scimd.db'), USERS), dir, {});
  const pgSeeded = await seedScimd(await createPgDatabase(pgName), USERS);
  const postgres = await start('PostgreSQL', pgSeeded, mkdtempSync(join(dir, 'pg-')), { DATABASE_URL: pgSeeded.url });
  console.log('\n| round | row | SQLite req/s | PostgreSQL req/s | PostgreSQL / SQLite |');
  console.log('|---|---|---|---|---|');
  for (let round = 1; round <= ROUNDS; round += 1) {
    for (const row of ['POST', 'PATCH'] as const) {
      const s = await rate(sqlite, row, round);
      const p = await rate(postgres, row, round);
      console.log(`| ${round} | ${row} /Users | ${s} | ${p} | ${(p / s).toFixed(2)} |`);
    }
  }
} finally {
  for (const child of children) await stop(child);
  await dropPgDatabase(pgName);
  rmSync(dir, { recursive: true, force: true });
}
