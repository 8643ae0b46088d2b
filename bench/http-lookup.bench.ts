/**
 * HTTP benchmark (issue 4 speed targets): `scimd serve` pinned to core 1 (`taskset -c 1`) on SQLite
 * with 10,000 users, autocannon in this process pinned to core 0, Entra-shaped requests:
 *   GET /Users?filter=userName eq "…" (hit and miss, 32 connections), POST /Users (16 connections),
 *   PATCH /Users/{id} (Entra replace shapes, 16 connections),
 * and the ceiling: a bare node:http server on core 1 returning the same JSON as the lookup hit.
 *   npm run bench -- bench/http-lookup.bench.ts        (SECONDS=10 USERS=10000 by default)
 * The server logs at LOG_LEVEL=warn here (request lines at `info` cost throughput; see the report).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { migrateToLatest } from '../src/store/migrations/migrate.ts';
import { createSqliteStore } from '../src/store/sqlite/store.ts';
import { createOrganizationService } from '../src/services/organizations.ts';

interface AutocannonResult {
  requests: { average: number };
  latency: { p50: number; p99: number };
  non2xx: number;
  errors: number;
}
interface AutocannonRequest {
  method?: string;
  path?: string;
  body?: string;
  setupRequest?: (request: AutocannonRequest) => AutocannonRequest;
}
type Autocannon = (options: Record<string, unknown>) => Promise<AutocannonResult>;

const SECONDS = Number(process.env['SECONDS'] ?? 10);
const USERS = Number(process.env['USERS'] ?? 10_000);
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const TOKEN = 'Bench-Token_0123456789-abcdefghijklmnopqrstuvwxyz-ABCDEFGH';
const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const userName = (n: number) => `user${n}@contoso.test`;
const entraUser = (name: string, n: number) => ({
  schemas: [USER, 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User'],
  externalId: `ext-${n}`,
  userName: name,
  active: true,
  displayName: `User ${n}`,
  emails: [{ primary: true, type: 'work', value: name }],
  name: { formatted: `User ${n}`, familyName: String(n), givenName: 'User' },
});

// The load generator runs on core 0, the server on core 1.
spawnSync('taskset', ['-p', '-c', '0', String(process.pid)], { stdio: 'ignore' });
const { default: autocannon } = (await import('autocannon' as string)) as { default: Autocannon };

async function seed(dataDir: string): Promise<string[]> {
  const store = createSqliteStore({ path: join(dataDir, 'scimd.db') });
  await migrateToLatest(store);
  const boot = await createOrganizationService({ store }).bootstrap({ token: TOKEN });
  if (boot.status !== 'created') throw new Error('expected a fresh database');
  const ids: string[] = [];
  for (let from = 0; from < USERS; from += 1000) {
    await store.transaction(async (tx) => {
      for (let n = from; n < Math.min(USERS, from + 1000); n += 1) {
        ids.push((await tx.users.create(boot.organization.id, entraUser(userName(n), n))).id);
      }
    });
  }
  await store.close();
  return ids;
}

/** Spawns `command` pinned to core 1 and resolves with the first stdout line matching `ready`. */
function pinned(args: readonly string[], env: Record<string, string>, ready: RegExp): Promise<{ child: ChildProcess; match: RegExpExecArray }> {
  const child = spawn('taskset', ['-c', '1', process.execPath, ...args], { cwd: ROOT, env: { PATH: process.env['PATH'] ?? '', ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.on('exit', (code) => reject(new Error(`server exited with ${code}`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const match = ready.exec(line);
      if (match) resolve({ child, match });
    });
  });
}

async function run(title: string, url: string, connections: number, requests: AutocannonRequest[]): Promise<AutocannonResult> {
  const headers = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/scim+json' };
  await autocannon({ url, connections, duration: 1, headers, requests }); // warm-up
  const result = await autocannon({ url, connections, duration: SECONDS, headers, requests });
  const rps = Math.round(result.requests.average);
  console.log(`| ${title} | ${connections} | ${rps} | ${result.latency.p50} | ${result.latency.p99} | ${result.non2xx} | ${result.errors} |`);
  return result;
}

const dir = mkdtempSync(join(tmpdir(), 'scimd-http-bench-'));
const children: ChildProcess[] = [];
try {
  const started = Date.now();
  const ids = await seed(dir);
  console.log(`seeded ${USERS} users in ${((Date.now() - started) / 1000).toFixed(1)} s; ${SECONDS} s per run; server on core 1, autocannon on core 0\n`);
  const server = await pinned(
    ['bin/scimd.js', 'serve'],
    { DATA_DIR: dir, PORT: '0', LOG_LEVEL: process.env['LOG_LEVEL'] ?? 'warn', SCIMD_RATE_LIMIT_PER_SECOND: '1000000', SCIMD_RATE_LIMIT_BURST: '1000000' },
    /^Tenant URL: (\S+)$/,
  );
  children.push(server.child);
  const base = server.match[1] as string;
  const random = () => Math.floor(Math.random() * USERS);
  const filterPath = (name: string) => `/scim/v2/Users?filter=${encodeURIComponent(`userName eq "${name}"`)}`;

  console.log('| workload | connections | req/s | p50 ms | p99 ms | non-2xx | errors |');
  console.log('|---|---|---|---|---|---|---|');
  const origin = new URL(base).origin;
  await run('GET /Users?filter=userName eq (hit)', origin, 32, [{ setupRequest: (r) => ({ ...r, method: 'GET', path: filterPath(userName(random())) }) }]);
  await run('GET /Users?filter=userName eq (miss)', origin, 32, [{ setupRequest: (r) => ({ ...r, method: 'GET', path: filterPath(`nobody${random()}@contoso.test`) }) }]);
  let created = 0;
  await run('POST /Users', origin, 16, [
    { setupRequest: (r) => ({ ...r, method: 'POST', path: '/scim/v2/Users', body: JSON.stringify(entraUser(`new${(created += 1)}@contoso.test`, created)) }) },
  ]);
  const shapes = [
    (n: number) => ({ schemas: [PATCH_OP], Operations: [{ op: 'Replace', path: 'displayName', value: `Renamed ${n}` }] }),
    (n: number) => ({ schemas: [PATCH_OP], Operations: [{ op: 'Replace', path: 'active', value: n % 2 === 0 ? 'True' : 'False' }] }),
    (n: number) => ({ schemas: [PATCH_OP], Operations: [{ op: 'replace', value: { 'name.givenName': `G${n}`, title: 'Engineer' } }] }),
  ];
  let patched = 0;
  await run('PATCH /Users/{id} (Entra replace)', origin, 16, [
    {
      setupRequest: (r) => {
        patched += 1;
        const shape = shapes[patched % shapes.length] as (n: number) => unknown;
        return { ...r, method: 'PATCH', path: `/scim/v2/Users/${ids[random()]}`, body: JSON.stringify(shape(patched)) };
      },
    },
  ]);
  // The ceiling: the same JSON a lookup hit returns, from a bare node:http server on the same core.
  const body = await (await fetch(`${origin}${filterPath(userName(1))}`, { headers: { authorization: `Bearer ${TOKEN}` } })).text();
  server.child.kill('SIGTERM');
  await new Promise((resolve) => server.child.once('exit', resolve));
  const bareCode = `const b=${JSON.stringify(body)};require('node:http').createServer((q,s)=>{s.writeHead(200,{'content-type':'application/scim+json; charset=utf-8'});s.end(b)}).listen(0,'127.0.0.1',function(){console.log('PORT '+this.address().port)})`;
  const bare = await pinned(['-e', bareCode], {}, /^PORT (\d+)$/);
  children.push(bare.child);
  await run('bare node:http, same JSON', `http://127.0.0.1:${bare.match[1]}`, 32, [{ method: 'GET', path: filterPath(userName(1)) }]);
} finally {
  for (const child of children) child.kill('SIGTERM');
  await new Promise((resolve) => setTimeout(resolve, 500));
  rmSync(dir, { recursive: true, force: true });
}
