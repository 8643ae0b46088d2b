import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { controlOf, renderStatement } from './write-behind.ts';

const render = (sql: string, values: unknown[]) => renderStatement(sql, values, pg.escapeLiteral);

describe('rendering a held-back statement with literals', () => {
  it('renders null, strings, numbers, bigints and booleans as untyped literals', () => {
    assert.equal(
      render('insert into t (a, b, c, d, e, f) values ($1, $2, $3, $4, $5, $6)', [null, "it's", 42, 7n, true, undefined]),
      "insert into t (a, b, c, d, e, f) values (null, 'it''s', '42', '7', 'true', null)",
    );
  });

  it('escapes backslashes with an E-string, whatever standard_conforming_strings says', () => {
    assert.equal(render('select $1', ['a\\b']), "select  E'a\\\\b'");
  });

  it('replaces $10 as one parameter and leaves $n inside quotes and comments alone', () => {
    const values = Array.from({ length: 10 }, (_, i) => `v${i + 1}`);
    assert.equal(
      render(`/* $1 */ select '$2', "$3", $10, $1`, values),
      `/* $1 */ select '$2', "$3", 'v10', 'v1'`,
    );
  });

  it('refuses what it cannot render: NUL characters, objects, non-finite numbers, missing values', () => {
    assert.equal(render('select $1', ['a\u0000b']), undefined);
    assert.equal(render('select $1', [{ a: 1 }]), undefined);
    assert.equal(render('select $1', [Number.NaN]), undefined);
    assert.equal(render('select $1, $2', ['a']), undefined);
  });

  it('recognises transaction control, but not a rollback to a savepoint', () => {
    assert.equal(controlOf('begin'), 'begin');
    assert.equal(controlOf('start transaction isolation level serializable'), 'begin');
    assert.equal(controlOf('commit'), 'commit');
    assert.equal(controlOf('rollback'), 'rollback');
    assert.equal(controlOf('rollback to savepoint "sp"'), undefined);
    assert.equal(controlOf('select 1'), undefined);
  });
});
