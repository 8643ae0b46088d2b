import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { sql } from 'kysely';
import { migrateToLatest } from '../migrations/migrate.ts';
import { createSqliteStore } from '../sqlite/store.ts';
import { createGroupCommitter, plainTransactions } from './group-commit.ts';
import type { QueryEvent } from './options.ts';
import type { SqlStore } from './sql-store.ts';

const user = (userName: string) => ({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName });

describe('group commit on SQLite', () => {
  let dir: string;
  let store: SqlStore;
  let org: string;
  const log: QueryEvent[] = [];
  const statements = () => log.map((e) => e.sql);
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'scimd-group-commit-'));
    store = createSqliteStore({ path: join(dir, 'test.db'), onQuery: (e) => log.push(e) });
    await migrateToLatest(store);
    org = (await store.organizations.create({ name: 'Acme', slug: 'acme' })).id;
    await sql`create table deferred_check (ref text references organizations (id) deferrable initially deferred)`.execute(store.kysely);
  });
  after(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('commits transactions that arrive together with one COMMIT, each in its own savepoint', async () => {
    log.length = 0;
    const names = ['a@x.com', 'b@x.com', 'c@x.com'];
    const created = await Promise.all(names.map((n) => store.transaction((tx) => tx.users.create(org, user(n)))));
    assert.deepEqual(created.map((u) => u.userName), names);
    const all = statements();
    assert.equal(all.filter((s) => s === 'begin immediate').length, 1);
    assert.equal(all.filter((s) => s === 'commit').length, 1);
    assert.equal(all.filter((s) => s === 'savepoint scimd_tx').length, 3);
    for (const name of names) assert.ok(await store.users.findByUserName(org, name));
  });

  it('rolls back only the transaction that throws and settles each caller with its own outcome', async () => {
    const results = await Promise.allSettled([
      store.transaction((tx) => tx.users.create(org, user('kept-1@x.com'))),
      store.transaction(async (tx) => {
        await tx.users.create(org, user('dropped@x.com'));
        throw new Error('second transaction fails');
      }),
      store.transaction((tx) => tx.users.create(org, user('kept-1@x.com'))),
      store.transaction((tx) => tx.users.create(org, user('kept-2@x.com'))),
    ]);
    assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'rejected', 'rejected', 'fulfilled']);
    assert.match(String((results[1] as PromiseRejectedResult).reason), /second transaction fails/);
    const conflict = (results[2] as PromiseRejectedResult).reason as { status?: number; scimType?: string };
    assert.deepEqual([conflict.status, conflict.scimType], [409, 'uniqueness']);
    assert.equal(await store.users.findByUserName(org, 'dropped@x.com'), undefined);
    assert.ok(await store.users.findByUserName(org, 'kept-1@x.com'));
    assert.ok(await store.users.findByUserName(org, 'kept-2@x.com'));
  });

  it('rejects every transaction of the batch when the shared COMMIT fails, keeping nothing', async () => {
    const results = await Promise.allSettled([
      store.transaction((tx) => tx.users.create(org, user('lost-1@x.com'))),
      // Valid until COMMIT checks the deferred foreign key.
      store.transaction(async (tx) => {
        await sql`insert into deferred_check (ref) values ('no such organization')`.execute((tx as SqlStore).kysely);
      }),
      store.transaction(async () => {
        throw new Error('failed on its own');
      }),
    ]);
    assert.deepEqual(results.map((r) => r.status), ['rejected', 'rejected', 'rejected']);
    assert.match(String((results[0] as PromiseRejectedResult).reason), /FOREIGN KEY constraint failed/);
    assert.match(String((results[2] as PromiseRejectedResult).reason), /failed on its own/, 'a failed transaction keeps its own error');
    assert.equal(await store.users.findByUserName(org, 'lost-1@x.com'), undefined);
    assert.equal(await store.users.count(org), 5, 'the store is usable afterwards');
    await store.transaction((tx) => tx.users.create(org, user('after@x.com')));
    assert.ok(await store.users.findByUserName(org, 'after@x.com'));
  });

  it('lets a transaction join itself and see its own writes', async () => {
    const id = await store.transaction(async (tx) => {
      const created = await tx.transaction((inner) => inner.users.create(org, user('nested@x.com')));
      assert.equal((await tx.users.get(org, created.id))?.userName, 'nested@x.com');
      return created.id;
    });
    assert.ok(await store.users.get(org, id));
  });

  it('group-commits the multi-statement writes made outside a transaction too', async () => {
    log.length = 0;
    await Promise.all([store.users.create(org, user('solo-1@x.com')), store.users.create(org, user('solo-2@x.com'))]);
    assert.equal(statements().filter((s) => s === 'commit').length, 1);
  });

  it('commits at most maxBatch transactions together', async () => {
    const small = createSqliteStore({ path: join(dir, 'test.db'), onQuery: (e) => log.push(e), groupCommit: true });
    try {
      log.length = 0;
      await Promise.all(Array.from({ length: 250 }, (_, i) => small.transaction((tx) => tx.users.create(org, user(`many-${i}@x.com`)))));
      assert.equal(statements().filter((s) => s === 'commit').length, 3, '100 + 100 + 50');
    } finally {
      await small.close();
    }
  });

  it('gives every transaction its own COMMIT when group commit is off', async () => {
    const plain = createSqliteStore({ path: join(dir, 'test.db'), onQuery: (e) => log.push(e), groupCommit: false });
    try {
      log.length = 0;
      await Promise.all([plain.transaction((tx) => tx.users.create(org, user('p-1@x.com'))), plain.transaction((tx) => tx.users.create(org, user('p-2@x.com')))]);
      assert.equal(statements().filter((s) => s === 'commit').length, 2);
      assert.equal(statements().filter((s) => s.startsWith('savepoint')).length, 0);
    } finally {
      await plain.close();
    }
  });
});

describe('waiting for the write lock of another connection', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'scimd-group-commit-lock-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps the event loop and the connection free while another connection holds the lock, then commits', async () => {
    const path = join(dir, 'lock.db');
    const store = createSqliteStore({ path, checkpoints: false });
    const other = new BetterSqlite3(path);
    try {
      await migrateToLatest(store);
      other.exec('begin immediate');
      let committed = false;
      const write = store.transaction((tx) => tx.organizations.create({ name: 'waited', slug: 'waited' })).then(() => (committed = true));
      // While the BEGIN is retried, timers run and a read on the same connection answers.
      const started = performance.now();
      await new Promise((resolve) => setTimeout(resolve, 30));
      assert.ok(performance.now() - started < 300, 'the event loop was not blocked');
      assert.deepEqual(await store.organizations.list(), []);
      assert.equal(committed, false);
      other.exec('commit');
      await write;
      assert.deepEqual((await store.organizations.list()).map((o) => o.slug), ['waited']);
    } finally {
      other.close();
      await store.close();
    }
  });

  it('gives up after the busy timeout with SQLITE_BUSY, and the next transaction commits', async () => {
    const path = join(dir, 'timeout.db');
    const store = createSqliteStore({ path, checkpoints: false, busyTimeoutMs: 50 });
    const other = new BetterSqlite3(path);
    try {
      await migrateToLatest(store);
      other.exec('begin immediate');
      await assert.rejects(store.transaction((tx) => tx.organizations.create({ name: 'late', slug: 'late' })), (error: { code?: string }) => error.code === 'SQLITE_BUSY');
      other.exec('commit');
      await store.transaction((tx) => tx.organizations.create({ name: 'next', slug: 'next' }));
      assert.deepEqual((await store.organizations.list()).map((o) => o.slug), ['next']);
    } finally {
      other.close();
      await store.close();
    }
  });
});

describe('the durability barrier after COMMIT', () => {
  let store: SqlStore;
  before(async () => {
    store = createSqliteStore({ path: ':memory:' });
    await sql`create table t (v integer)`.execute(store.kysely);
  });
  after(() => store.close());

  /** A barrier the test opens by hand, recording how many times it was asked for. */
  function manualBarrier() {
    const waiting: Array<(error?: Error) => void> = [];
    return {
      durable: () =>
        new Promise<void>((resolve, reject) => {
          waiting.push((error) => (error ? reject(error) : resolve()));
        }),
      get asked() {
        return waiting.length;
      },
      open: (error?: Error) => waiting.splice(0).forEach((settle) => settle(error)),
    };
  }
  const insert = (v: number) => (trx: typeof store.kysely) => sql`insert into t (v) values (${v})`.execute(trx).then(() => v);
  const tick = () => new Promise((resolve) => setImmediate(resolve));

  it('acknowledges a batch only once the barrier opens, while the next batch commits meanwhile', async () => {
    const barrier = manualBarrier();
    const run = createGroupCommitter(store.kysely, { durable: barrier.durable });
    const settled: number[] = [];
    const first = run(insert(1)).then((v) => settled.push(v));
    for (let i = 0; i < 5 && barrier.asked < 1; i++) await tick();
    assert.equal(barrier.asked, 1, 'the first batch committed and waits for the disk');
    const second = run(insert(2)).then((v) => settled.push(v));
    for (let i = 0; i < 5 && barrier.asked < 2; i++) await tick();
    assert.equal(barrier.asked, 2, 'the second batch committed without waiting for the first sync');
    assert.deepEqual(settled, [], 'nothing is acknowledged before the barrier opens');
    const rows = await sql<{ v: number }>`select v from t order by v`.execute(store.kysely);
    assert.deepEqual(rows.rows.map((r) => r.v), [1, 2], 'both are committed');
    barrier.open();
    await Promise.all([first, second]);
    assert.deepEqual(settled, [1, 2]);
  });

  it('rejects the transactions of a batch whose sync fails, keeping their own errors', async () => {
    const barrier = manualBarrier();
    const run = createGroupCommitter(store.kysely, { durable: barrier.durable });
    const results = Promise.allSettled([
      run(insert(3)),
      run(async () => {
        throw new Error('own failure');
      }),
    ]);
    for (let i = 0; i < 5 && barrier.asked < 1; i++) await tick();
    barrier.open(new Error('fdatasync failed'));
    const [a, b] = await results;
    assert.match(String((a as PromiseRejectedResult).reason), /fdatasync failed/);
    assert.match(String((b as PromiseRejectedResult).reason), /own failure/);
  });

  it('waits for the barrier after each plain transaction too', async () => {
    const barrier = manualBarrier();
    const run = plainTransactions(store.kysely, barrier.durable);
    let done = false;
    const pending = run(insert(4)).then(() => (done = true));
    for (let i = 0; i < 5 && barrier.asked < 1; i++) await tick();
    assert.equal(done, false);
    barrier.open();
    await pending;
    assert.equal(done, true);
  });
});
