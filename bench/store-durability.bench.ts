/**
 * What durable acknowledgements cost at the store (docs/storage.md, Durability): creates through
 * `store.transaction` from C concurrent writers (1 and 16) for SECONDS each, on a SQLite file with
 * `synchronous: 'normal'` (acknowledged at COMMIT) and `'full'` (acknowledged after the WAL's
 * fdatasync in the thread pool). Run pinned to one core:
 *   taskset -c 1 node --import tsx bench/store-durability.bench.ts        (SECONDS=4)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrateToLatest } from '../src/store/migrations/migrate.ts';
import { createSqliteStore, type SqliteSynchronous } from '../src/store/sqlite/store.ts';

const SECONDS = Number(process.env['SECONDS'] ?? 4);
const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';

async function run(synchronous: SqliteSynchronous, writers: number): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'scimd-durability-'));
  const store = createSqliteStore({ path: join(dir, 'scimd.db'), synchronous });
  try {
    await migrateToLatest(store);
    const org = (await store.organizations.create({ name: 'Bench', slug: 'bench' })).id;
    let n = 0;
    const end = Date.now() + SECONDS * 1000;
    const started = Date.now();
    await Promise.all(
      Array.from({ length: writers }, async (_, w) => {
        while (Date.now() < end) {
          const i = (n += 1);
          await store.transaction((tx) => tx.users.create(org, { schemas: [USER], userName: `u${w}-${i}@example.com`, active: true }));
        }
      }),
    );
    return n / ((Date.now() - started) / 1000);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

console.log('| writers | normal, creates/s | full, creates/s |');
console.log('|---|---|---|');
for (const writers of [1, 16]) {
  const normal = await run('normal', writers);
  const full = await run('full', writers);
  console.log(`| ${writers} | ${Math.round(normal)} | ${Math.round(full)} |`);
}
