import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { withStatementCache } from './statement-cache.ts';

function database() {
  const db = new BetterSqlite3(':memory:');
  db.exec('create table t (n integer primary key)');
  db.exec('insert into t (n) values (1), (2), (3)');
  return db;
}

describe('the prepared-statement cache', () => {
  it('returns the same prepared statement for the same SQL text', () => {
    const cached = withStatementCache(database());
    const first = cached.prepare('select n from t where n = ?');
    assert.equal(cached.prepare('select n from t where n = ?'), first);
    assert.deepEqual(first.all([2]), [{ n: 2 }]);
    assert.notEqual(cached.prepare('select n from t where n > ?'), first);
  });

  it('forgets the least recently used statement when it is full', () => {
    const cached = withStatementCache(database(), 2);
    const a = cached.prepare('select 1');
    const b = cached.prepare('select 2');
    assert.equal(cached.prepare('select 1'), a, 'using a makes b the oldest');
    cached.prepare('select 3');
    assert.equal(cached.prepare('select 1'), a);
    assert.notEqual(cached.prepare('select 2'), b, 'b was evicted and is prepared again');
  });

  it('prepares a fresh statement while the cached one is still iterating', () => {
    const cached = withStatementCache(database());
    const sql = 'select n from t order by n';
    const iterating = cached.prepare(sql);
    const rows = iterating.iterate([]);
    assert.deepEqual(rows.next().value, { n: 1 });
    const second = cached.prepare(sql);
    assert.notEqual(second, iterating);
    assert.deepEqual(second.all([]), [{ n: 1 }, { n: 2 }, { n: 3 }]);
    assert.deepEqual([...rows], [{ n: 2 }, { n: 3 }]);
    assert.equal(cached.prepare(sql), iterating, 'the cached statement is reused once it is free');
  });

  it('closes the database', () => {
    const db = database();
    withStatementCache(db).close();
    assert.equal(db.open, false);
  });
});
