/**
 * The provisioning engine against scimd: an initial cycle of N users (100,000 by default, or
 * SYNC_BENCH_USERS) from a CSV export into a fresh organization of `scimd serve` (pinned to core
 * 1, SQLite), then an incremental cycle with 1 % of the rows changed. Reports users/s, the
 * engine process's peak RSS, the cycle times and the requests sent. The engine's state lives in
 * its own SQLite file. Run: taskset -c 0 node --import tsx bench/sync.bench.ts
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrateToLatest } from '../src/store/migrations/migrate.ts';
import { createSqliteStore } from '../src/store/sqlite/store.ts';
import { validateSyncConfig } from '../src/sync/config.ts';
import type { CycleSummary } from '../src/sync/outcome.ts';
import { createSyncRunner } from '../src/sync/runner.ts';
import { seed, serve, stop, TOKEN } from './http-harness.ts';

const USERS = Number(process.env['SYNC_BENCH_USERS'] ?? 100_000);
const CONCURRENCY = Number(process.env['SYNC_BENCH_CONCURRENCY'] ?? 8);
const dir = mkdtempSync(join(tmpdir(), 'scimd-sync-bench-'));

function writeCsv(changed: (n: number) => boolean): void {
  const lines = ['id,mail,givenName,surname,jobTitle,department'];
  for (let n = 0; n < USERS; n += 1) lines.push(`${n},user${n}@corp.example,Given${n},Family${n},${changed(n) ? 'Lead' : 'Engineer'},Dept${n % 50}`);
  writeFileSync(join(dir, 'users.csv'), `${lines.join('\n')}\n`);
}

async function measured(run: () => Promise<CycleSummary>): Promise<{ summary: CycleSummary; peakRss: number }> {
  let peakRss = process.memoryUsage().rss;
  const timer = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 200);
  try {
    const summary = await run();
    return { summary, peakRss: Math.max(peakRss, process.memoryUsage().rss) };
  } finally {
    clearInterval(timer);
  }
}

const dataDir = join(dir, 'scimd');
await seed(dataDir, 0);
const { child, match } = await serve(dataDir);
const state = createSqliteStore({ path: join(dir, 'state.db') });
await migrateToLatest(state);
try {
  const job = validateSyncConfig(
    {
      name: 'bench',
      source: { type: 'csv', path: 'users.csv', key: 'id' },
      target: { url: match[1], token: TOKEN, concurrency: CONCURRENCY },
      users: {
        mappings: [
          { target: 'userName', expression: '[mail]', matching: 1 },
          { target: 'active', expression: 'Switch([IsSoftDeleted], , "False", "True", "True", "False")' },
          { target: 'displayName', expression: 'Join(" ", [givenName], [surname])' },
          { target: 'name.givenName', expression: '[givenName]' },
          { target: 'name.familyName', expression: '[surname]' },
          { target: 'emails[type eq "work"].value', expression: '[mail]' },
          { target: 'title', expression: '[jobTitle]' },
          { target: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department', expression: '[department]' },
          { target: 'externalId', expression: '[id]' },
        ],
      },
    },
    { baseDir: dir, env: {} },
  );
  writeCsv(() => false);
  const runner = createSyncRunner(job, { state: state.syncState });
  const began = Date.now();
  const onProgress = ({ done }: { done: number }) => {
    if (done % 10_000 === 0) console.log(`  ${done} users after ${((Date.now() - began) / 1000).toFixed(0)} s (RSS ${Math.round(process.memoryUsage().rss / 2 ** 20)} MB)`);
  };
  const initial = await measured(() => runner.cycle({ onProgress }));
  const s = initial.summary;
  console.log(`initial cycle: ${USERS} users, concurrency ${CONCURRENCY}: ${s.status}, ${(s.durationMs / 1000).toFixed(1)} s, ${Math.round(USERS / (s.durationMs / 1000))} users/s, ${s.created} created, ${s.failed} failed, ${s.requests} requests, engine peak RSS ${Math.round(initial.peakRss / 2 ** 20)} MB`);
  writeCsv((n) => n % 100 === 0);
  const incremental = await measured(() => runner.cycle());
  const i = incremental.summary;
  console.log(`incremental cycle, 1 % changed: ${i.status}, ${(i.durationMs / 1000).toFixed(2)} s, ${i.updated} updated, ${i.unchanged} unchanged, ${i.requests} requests (= changes: ${i.requests === i.updated}), engine peak RSS ${Math.round(incremental.peakRss / 2 ** 20)} MB`);
  const idle = await runner.cycle();
  console.log(`idle cycle (file unchanged): ${(idle.durationMs / 1000).toFixed(2)} s, ${idle.requests} requests`);
} finally {
  await state.close();
  await stop(child);
  rmSync(dir, { recursive: true, force: true });
}
