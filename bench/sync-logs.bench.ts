/**
 * Provisioning logs. Two parts (SYNC_LOGS_BENCH=cycle|query|both, default both):
 * - cycle: an initial cycle of SYNC_BENCH_USERS users (100,000 by default) from CSV into a trivial
 *   in-process target (every lookup empty, every POST 201), with provisioning logs written to a
 *   SQLite state database: log entries per second over the cycle, and the time spent in appends.
 * - query: 1,000,000 entries seeded directly (SYNC_LOGS_SEED), then the queries `scimd sync logs`
 *   and the admin API run: newest page, by status, by action, by identity (source key / target id),
 *   by run, by time window, and the counts of a run — each the median of 5.
 * Run: node --import tsx bench/sync-logs.bench.ts   (DATABASE_URL=postgres://… for PostgreSQL in the query part)
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAdaptorServer } from '@hono/node-server';
import { sql } from 'kysely';
import { migrateToLatest } from '../src/store/migrations/migrate.ts';
import { createSqliteStore } from '../src/store/sqlite/store.ts';
import type { SyncLogEntry, SyncLogQuery, SyncLogStore } from '../src/store/sync-state.ts';
import { validateSyncConfig } from '../src/sync/config.ts';
import { createSyncRunner } from '../src/sync/runner.ts';

const MODE = process.env['SYNC_LOGS_BENCH'] ?? 'both';
const USERS = Number(process.env['SYNC_BENCH_USERS'] ?? 100_000);
const SEED = Number(process.env['SYNC_LOGS_SEED'] ?? 1_000_000);
const dir = mkdtempSync(join(tmpdir(), 'scimd-sync-logs-'));

async function cycle(): Promise<void> {
  let next = 0;
  const server = createAdaptorServer({
    fetch: async (request: Request) => {
      if (request.method === 'GET') return new Response(JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'], totalResults: 0, Resources: [] }));
      await request.text();
      return new Response(JSON.stringify({ id: `id${next++}` }), { status: 201 });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const lines = ['id,mail,givenName,surname'];
  for (let i = 0; i < USERS; i += 1) lines.push(`${i},u${i}@corp.example,G${i},F${i}`);
  writeFileSync(join(dir, 'users.csv'), `${lines.join('\n')}\n`);
  const state = createSqliteStore({ path: join(dir, 'cycle.db') });
  await migrateToLatest(state);
  let appendMs = 0;
  let appended = 0;
  const logs: SyncLogStore = {
    ...state.syncLogs,
    async append(entries) {
      const t = performance.now();
      await state.syncLogs.append(entries);
      appendMs += performance.now() - t;
      appended += entries.length;
    },
  };
  const job = validateSyncConfig(
    {
      name: 'logs-bench',
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
  const summary = await createSyncRunner(job, { state: state.syncState, logs }).cycle();
  const seconds = summary.durationMs / 1000;
  console.log(
    `cycle: ${USERS} users ${summary.status} in ${seconds.toFixed(1)} s; ${appended} log entries written = ${Math.round(appended / seconds)} entries/s over the cycle; ` +
      `appends took ${(appendMs / 1000).toFixed(1)} s in total (${Math.round(appended / (appendMs / 1000))} entries/s while appending, ${((appendMs / 1000 / seconds) * 100).toFixed(1)} % of the cycle)`,
  );
  await state.close();
  server.close();
}

async function queries(): Promise<void> {
  const url = process.env['DATABASE_URL'];
  const store = url?.startsWith('postgres')
    ? (await import('../src/store/postgres/store.ts')).createPostgresStore({ connectionString: url })
    : createSqliteStore({ path: join(dir, 'query.db') });
  await migrateToLatest(store);
  const job = 'seeded';
  const runs = Array.from({ length: 50 }, () => randomUUID());
  const start = Date.parse('2026-01-01T00:00:00.000Z');
  const statuses = ['Success', 'Success', 'Success', 'Success', 'Success', 'Success', 'Success', 'Skipped', 'Failure', 'Warning'] as const;
  const actions = ['Create', 'Update', 'Update', 'Disable', 'Other'] as const;
  const seeding = performance.now();
  for (let i = 0; i < SEED; i += 1000) {
    const batch: SyncLogEntry[] = [];
    for (let j = i; j < Math.min(SEED, i + 1000); j += 1) {
      batch.push({
        job,
        id: randomUUID(),
        runId: runs[Math.floor((j / SEED) * runs.length)]!,
        at: new Date(start + j * 1000).toISOString(),
        objectType: 'User',
        sourceKey: String(j % 100_000),
        targetId: `t${j % 100_000}`,
        action: actions[j % actions.length]!,
        status: statuses[j % statuses.length]!,
        reason: j % 10 === 8 ? 'POST /Users → 400: invalid value' : null,
        errorCode: j % 10 === 8 ? 'SCIM_400' : null,
        modified: [{ name: 'title', before: 'A', after: 'B' }],
        // The steps a cycle stores with each entry (Import → Scope → Match → Action), at their usual size.
        steps: [
          { name: 'Import user', status: 'success', description: `Read source object ${j % 100_000} (changed since the last cycle)`, details: { sourceKey: String(j % 100_000), softDeleted: false } },
          { name: 'Determine if in scope', status: 'success', description: 'In scope: there is no scoping filter', details: { inScope: true, softDeleted: false } },
          { name: 'Match user between source and target', status: 'success', description: `Linked to target object t${j % 100_000} by an earlier cycle (state active)`, details: { linked: true, targetId: `t${j % 100_000}` } },
          { name: 'Perform action', status: 'success', description: `Update target object t${j % 100_000}`, details: { action: 'Update', targetId: `t${j % 100_000}`, changed: ['title'] } },
        ],
      });
    }
    await store.syncLogs.append(batch);
  }
  // PostgreSQL: autovacuum would analyze the table after such a load; do it now so the planner has statistics.
  if (url?.startsWith('postgres')) await sql`analyze sync_logs`.execute(store.kysely);
  console.log(`seeded ${SEED} entries in ${((performance.now() - seeding) / 1000).toFixed(1)} s (${url?.startsWith('postgres') ? 'PostgreSQL' : 'SQLite'})`);
  const median = async (fn: () => Promise<unknown>) => {
    const times: number[] = [];
    for (let k = 0; k < 5; k += 1) {
      const t = performance.now();
      await fn();
      times.push(performance.now() - t);
    }
    return times.sort((a, b) => a - b)[2]!;
  };
  const q = (extra: Partial<SyncLogQuery>) => () => store.syncLogs.query({ job, limit: 100, ...extra });
  const cases: [string, () => Promise<unknown>][] = [
    ['newest 100, no filter', q({})],
    ['status = Failure (10 %)', q({ status: 'Failure' })],
    ['status = Warning, action = Update (rare combination: none match)', q({ status: 'Warning', action: 'Update' })],
    ['action = Disable (20 %)', q({ action: 'Disable' })],
    ['identity = source key "4242" (10 entries)', q({ identity: '4242' })],
    ['identity = target id "t4242" (10 entries)', q({ identity: 't4242' })],
    ['one run (20,000 entries), newest 100', q({ runId: runs[25]! })],
    ['a one-hour window in the middle', q({ since: new Date(start + 500_000_000).toISOString(), until: new Date(start + 503_600_000).toISOString() })],
    ['export: 10,000 newest with status = Success', () => store.syncLogs.query({ job, limit: 10_000, status: 'Success' })],
    ['counts of one run (status view)', () => store.syncLogs.counts(job, runs[25]!)],
  ];
  for (const [name, fn] of cases) console.log(`query: ${name}: ${(await median(fn)).toFixed(1)} ms`);
  if (url?.startsWith('postgres')) await store.kysely.deleteFrom('sync_logs').where('job', '=', job).execute();
  await store.close();
}

if (MODE === 'cycle' || MODE === 'both') await cycle();
if (MODE === 'query' || MODE === 'both') await queries();
rmSync(dir, { recursive: true, force: true });
