/**
 * The engine alone: an initial cycle of N users (SYNC_BENCH_USERS, 3,000 by default) from CSV
 * into a trivial in-process HTTP target that answers every lookup with an empty ListResponse and
 * every POST with 201 — what the engine itself costs per user (reading, mapping, matching lookup,
 * POST, links), without a real server's work. Run: node --import tsx bench/sync-engine.bench.ts
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAdaptorServer } from '@hono/node-server';
import { migrateToLatest } from '../src/store/migrations/migrate.ts';
import { createSqliteStore } from '../src/store/sqlite/store.ts';
import { validateSyncConfig } from '../src/sync/config.ts';
import { createSyncRunner } from '../src/sync/runner.ts';

const USERS = Number(process.env['SYNC_BENCH_USERS'] ?? 3000);
let next = 0;
const server = createAdaptorServer({
  fetch: async (request: Request) => {
    if (request.method === 'GET') return new Response(JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'], totalResults: 0, Resources: [] }));
    await request.text();
    return new Response(JSON.stringify({ id: `id${next++}` }), { status: 201 });
  },
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const dir = mkdtempSync(join(tmpdir(), 'scimd-sync-engine-'));
const lines = ['id,mail,givenName,surname'];
for (let i = 0; i < USERS; i += 1) lines.push(`${i},u${i}@corp.example,G${i},F${i}`);
writeFileSync(join(dir, 'users.csv'), `${lines.join('\n')}\n`);
const state = createSqliteStore({ path: join(dir, 'state.db') });
await migrateToLatest(state);
const job = validateSyncConfig(
  {
    name: 'engine',
    source: { type: 'csv', path: 'users.csv', key: 'id' },
    target: { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/scim`, token: 't', concurrency: 8 },
    users: {
      mappings: [
        { target: 'userName', expression: '[mail]', matching: 1 },
        { target: 'displayName', expression: 'Join(" ", [givenName], [surname])' },
        { target: 'emails[type eq "work"].value', expression: '[mail]' },
      ],
    },
  },
  { baseDir: dir, env: {} },
);
const cpu = process.cpuUsage();
const summary = await createSyncRunner(job, { state: state.syncState }).cycle();
const used = process.cpuUsage(cpu);
console.log(`${USERS} users: ${summary.status}, ${(summary.durationMs / 1000).toFixed(1)} s, ${Math.round(USERS / (summary.durationMs / 1000))} users/s, ${summary.requests} requests, process CPU ${((used.user + used.system) / 1000 / USERS).toFixed(2)} ms per user (engine and trivial server together)`);
await state.close();
server.close();
rmSync(dir, { recursive: true, force: true });
