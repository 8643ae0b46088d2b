/**
 * Server memory with a large directory (issue 4: "server RSS under 300 MB with 1M users and a
 * 100k-member group loaded in the database"): seeds USERS users (default 1,000,000) and one group
 * of MEMBERS members (default 100,000) into SQLite, starts `scimd serve` pinned to core 1, drives
 * a mix for SECONDS (userName lookups, 100-user listing pages with cursors, the group with and
 * without members, membership PATCHes, user PATCHes) and reports the server's RSS and peak RSS
 * (VmRSS / VmHWM from /proc) before and after.
 *   npm run bench -- bench/http-rss.bench.ts        (USERS=1000000 MEMBERS=100000 SECONDS=20)
 */
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSqliteStore } from '../src/store/sqlite/store.ts';
import { entraPatches, filterPath, loadGenerator, seed, serve, stop, TOKEN, userName, type AutocannonRequest } from './http-harness.ts';

const USERS = Number(process.env['USERS'] ?? 1_000_000);
const MEMBERS = Number(process.env['MEMBERS'] ?? 100_000);
const SECONDS = Number(process.env['SECONDS'] ?? 20);
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

const memory = (pid: number) => {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? NaN);
  return `RSS ${(kb('VmRSS') / 1024).toFixed(0)} MB, peak ${(kb('VmHWM') / 1024).toFixed(0)} MB`;
};

const autocannon = await loadGenerator();
const dir = mkdtempSync(join(tmpdir(), 'scimd-http-rss-'));
try {
  const started = Date.now();
  const ids = await seed(dir, USERS);
  const store = createSqliteStore({ path: join(dir, 'scimd.db'), checkpoints: false });
  const orgId = (await store.kysely.selectFrom('organizations').select('id').executeTakeFirstOrThrow()).id;
  const group = await store.groups.create(orgId, { displayName: 'Everyone' }, { members: ids.slice(0, MEMBERS).map((value) => ({ value })) });
  await store.close();
  console.log(`seeded ${USERS} users and a group of ${MEMBERS} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  const server = await serve(dir);
  const pid = server.child.pid ?? 0;
  console.log(`after start: ${memory(pid)}`);
  const origin = new URL(server.match[1] as string).origin;
  const random = () => Math.floor(Math.random() * USERS);
  let n = 0;
  let cursor = '';
  const requests: AutocannonRequest[] = [
    { setupRequest: (r) => ({ ...r, method: 'GET', path: filterPath(userName(random())) }) },
    { setupRequest: (r) => ({ ...r, method: 'GET', path: `/scim/v2/Users?count=100&cursor=${cursor}` }) },
    { setupRequest: (r) => ({ ...r, method: 'GET', path: `/scim/v2/Groups/${group.id}?excludedAttributes=members` }) },
    { setupRequest: (r) => ({ ...r, method: 'GET', path: `/scim/v2/Groups/${group.id}` }) },
    {
      setupRequest: (r) => {
        n += 1;
        const op = n % 2 === 0 ? { op: 'Add', path: 'members', value: [{ value: ids[MEMBERS + (n % 1000)] }] } : { op: 'Remove', path: `members[value eq "${ids[MEMBERS + ((n - 1) % 1000)]}"]` };
        return { ...r, method: 'PATCH', path: `/scim/v2/Groups/${group.id}`, body: JSON.stringify({ schemas: [PATCH_OP], Operations: [op] }) };
      },
    },
    { setupRequest: (r) => ({ ...r, method: 'PATCH', path: `/scim/v2/Users/${ids[random()]}`, body: JSON.stringify(entraPatches[n % 3]?.(n)) }) },
  ];
  const result = await autocannon({
    url: origin,
    connections: 16,
    duration: SECONDS,
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/scim+json' },
    requests,
    // Follow the listing with its nextCursor so pages walk deep into the million.
    setupClient: (client: { on: (event: string, fn: (status: number, body: string) => void) => void }) =>
      client.on('body', (_status, body) => {
        const next = /"nextCursor":"([^"]+)"/.exec(String(body))?.[1];
        if (next) cursor = next;
      }),
  });
  console.log(`mix: ${Math.round(result.requests.average)} req/s for ${SECONDS} s, non-2xx ${result.non2xx}`);
  console.log(`after the mix: ${memory(pid)}`);
  await stop(server.child);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
