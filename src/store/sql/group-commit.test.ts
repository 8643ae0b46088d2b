import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { migrateToLatest } from '../migrations/migrate.ts';
import { createSqliteStore } from '../sqlite/store.ts';
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
    assert.equal(all.filter((s) => s === 'begin').length, 1);
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
