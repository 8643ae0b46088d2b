import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { migrateToLatest } from '../migrations/migrate.ts';
import { createSqliteStore } from '../sqlite/store.ts';
import type { QueryEvent } from './options.ts';
import { sizedChunks, type SqlContext } from './context.ts';
import { plainTransactions } from './group-commit.ts';
import { runPrecompiled, slot } from './precompiled.ts';
import type { SqlStore } from './sql-store.ts';

describe('precompiled statements', () => {
  let store: SqlStore;
  let ctx: SqlContext;
  const log: QueryEvent[] = [];
  before(async () => {
    store = createSqliteStore({ path: ':memory:', onQuery: (e) => log.push(e) });
    await migrateToLatest(store);
    await store.organizations.create({ id: 'org-a', name: 'A', slug: 'a' });
    await store.organizations.create({ id: 'org-b', name: 'B', slug: 'b' });
    ctx = { db: store.kysely, caps: store.capabilities, uniqueViolation: () => undefined, now: () => '', newId: () => '', runTransaction: plainTransactions(store.kysely) };
  });
  after(() => store.close());

  it('compiles once and binds fresh values into their slots, keeping constants', async () => {
    let builds = 0;
    const run = (slug: string, id: string) =>
      runPrecompiled(ctx, 'test.orgBySlugAndId', (db) => {
        builds += 1;
        // Slot 1 is used before slot 0, and the limit stays a constant parameter.
        return db.selectFrom('organizations').select('name').where('id', '=', slot(1)).where('slug', '=', slot(0)).limit(5);
      }, [slug, id]);
    log.length = 0;
    assert.deepEqual((await run('a', 'org-a')).rows, [{ name: 'A' }]);
    assert.deepEqual((await run('b', 'org-b')).rows, [{ name: 'B' }]);
    assert.deepEqual((await run('a', 'org-b')).rows, []);
    assert.equal(builds, 1);
    assert.deepEqual(log.map((e) => e.parameters), [['org-a', 'a', 5], ['org-b', 'b', 5], ['org-b', 'a', 5]]);
  });

  it('refuses a call with the wrong number of values', async () => {
    const build = (db: SqlContext['db']) => db.selectFrom('organizations').select('id').where('id', '=', slot(0));
    await assert.rejects(runPrecompiled(ctx, 'test.count', build, []), /test.count: expected 1 values, got 0/);
  });

  it('refuses slots that are not numbered from 0 without gaps', async () => {
    const build = (db: SqlContext['db']) => db.selectFrom('organizations').select('id').where('id', '=', slot(1));
    await assert.rejects(runPrecompiled(ctx, 'test.gap', build, ['x']), /test.gap: slots must be numbered 0..0/);
  });
});

describe('sizedChunks', () => {
  it('splits into power-of-two chunks no larger than the maximum, in order', () => {
    const items = Array.from({ length: 1100 }, (_, i) => i);
    const parts = sizedChunks(items, 512);
    assert.deepEqual(parts.map((p) => p.length), [512, 512, 64, 8, 4]);
    assert.deepEqual(parts.flat(), items);
    assert.deepEqual(sizedChunks([1, 2, 3], 1000).map((p) => p.length), [2, 1]);
    assert.deepEqual(sizedChunks([], 8), []);
  });
});
