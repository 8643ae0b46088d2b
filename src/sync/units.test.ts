/**
 * Pure parts of the engine: the CSV reader, scoping operators (nulls included), target paths,
 * PATCH shapes per profile, and configuration errors reported all at once with JSON paths.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseSyncConfig, stripJsonComments } from './config.ts';
import type { ScopeClause } from './config-schema.ts';
import { inScope, clauseHolds } from './scope.ts';
import { CsvError, parseCsv } from './sources/csv.ts';
import { isSoftDeleted } from './sources/types.ts';
import { buildResource, equalityFilter, getPath } from './target/documents.ts';
import { attributePatch, memberPatch } from './target/profile.ts';
import { retryAfterMs } from './target/http-client.ts';

describe('CSV', () => {
  it('reads quotes, doubled quotes, embedded newlines, CRLF, a BOM and empty cells', () => {
    const text = '\uFEFFid,name,note\r\n1,"Doe, Jane","said ""hi""\r\nthen left"\r\n2,,x\n\n3,Last,';
    assert.deepEqual(parseCsv(text), [
      { id: '1', name: 'Doe, Jane', note: 'said "hi"\r\nthen left' },
      { id: '2', name: null, note: 'x' },
      { id: '3', name: 'Last', note: null },
    ]);
    assert.deepEqual(parseCsv('a;b\n1;2', ';'), [{ a: '1', b: '2' }]);
  });
  it('rejects an unclosed quote and a repeated column with the line', () => {
    assert.throws(() => parseCsv('a,b\n1,"open\n'), (e: unknown) => e instanceof CsvError && /not closed/.test(e.message));
    assert.throws(() => parseCsv('a,a\n1,2'), /repeats the column "a"/);
  });
});

describe('scoping filters', () => {
  const c = (operator: ScopeClause['operator'], value?: string | number): ScopeClause => ({ attribute: 'x', operator, ...(value === undefined ? {} : { value }) });
  const cases: [ScopeClause, unknown, boolean][] = [
    [c('EQUALS', 'Sales'), 'Sales', true],
    [c('EQUALS', 'Sales'), 'sales', false],
    [c('NOT EQUALS', 'Sales'), 'Ops', true],
    [c('NOT EQUALS', 'Sales'), null, false],
    [c('IS TRUE'), 'True', true],
    [c('IS TRUE'), true, true],
    [c('IS FALSE'), 'false', true],
    [c('IS NULL'), '', true],
    [c('IS NULL'), 'a', false],
    [c('IS NOT NULL'), 'a', true],
    [c('IS NOT NULL'), undefined, false],
    [c('REGEX MATCH', '^a.*z$'), 'abcz', true],
    [c('NOT REGEX MATCH', '^a'), 'b', true],
    [c('NOT REGEX MATCH', '^a'), null, false],
    [c('GREATER_THAN', 10), '11', true],
    [c('GREATER_THAN', 10), '10', false],
    [c('GREATER_THAN_OR_EQUALS', 10), 10, true],
    [c('LESS_THAN', 10), '9', true],
    [c('LESS_THAN_OR_EQUALS', 10), 'ten', false],
    [c('INCLUDES', 'ale'), 'Sales', true],
    [c('INCLUDES', 'ALE'), 'Sales', false],
  ];
  for (const [clause, value, expected] of cases) {
    it(`${clause.operator} ${clause.value ?? ''} on ${JSON.stringify(value)} → ${expected}`, () => assert.equal(clauseHolds({ x: value }, clause), expected));
  }
  it('ORs AND-groups; no filter means everything', () => {
    const scope = [[c('EQUALS', 'a'), { attribute: 'y', operator: 'IS TRUE' } as ScopeClause], [c('EQUALS', 'b')]];
    assert.equal(inScope({ x: 'a', y: 'true' }, scope), true);
    assert.equal(inScope({ x: 'a', y: 'false' }, scope), false);
    assert.equal(inScope({ x: 'b' }, scope), true);
    assert.equal(inScope({}, []), true);
  });
  it('soft-deleted: values, AD userAccountControl bit 2, default words', () => {
    assert.equal(isSoftDeleted({ userAccountControl: '514' }, { attribute: 'userAccountControl', bit: 2 }), true);
    assert.equal(isSoftDeleted({ userAccountControl: '512' }, { attribute: 'userAccountControl', bit: 2 }), false);
    assert.equal(isSoftDeleted({ accountEnabled: 'FALSE' }, { attribute: 'accountEnabled', values: ['false'] }), true);
    assert.equal(isSoftDeleted({ disabled: 'yes' }, { attribute: 'disabled' }), true);
    assert.equal(isSoftDeleted({}, { attribute: 'disabled' }), false);
  });
});

describe('target paths and PATCH shapes', () => {
  const ENT = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
  it('builds a resource from filtered, dotted and extension paths, and reads them back', () => {
    const values = new Map<string, unknown>([
      ['userName', 'a@x'],
      ['name.givenName', 'A'],
      ['emails[type eq "work"].value', 'a@x'],
      ['emails[type eq "work"].primary', true],
      [`${ENT}:department`, 'R&D'],
    ]);
    const doc = buildResource('urn:ietf:params:scim:schemas:core:2.0:User', values);
    assert.deepEqual(doc, {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', ENT],
      userName: 'a@x',
      name: { givenName: 'A' },
      emails: [{ type: 'work', value: 'a@x', primary: true }],
      [ENT]: { department: 'R&D' },
    });
    for (const [path, value] of values) assert.deepEqual(getPath(doc, path), value);
    assert.equal(getPath({ Emails: [{ Type: 'Work', Value: 'v' }] }, 'emails[type eq "work"].value'), 'v');
  });
  it('writes equality filters for matching', () => {
    assert.equal(equalityFilter('userName', 'a"b'), 'userName eq "a\\"b"');
    assert.equal(equalityFilter('emails[type eq "work"].value', 'a@x'), 'emails[type eq "work" and value eq "a@x"]');
    assert.equal(equalityFilter(`${ENT}:employeeNumber`, '7'), `${ENT}:employeeNumber eq "7"`);
  });
  it('shapes PATCH per profile', () => {
    const changes = new Map<string, unknown>([['active', false], ['title', 'T']]);
    assert.deepEqual(attributePatch('rfc', changes).Operations, [{ op: 'replace', path: 'active', value: false }, { op: 'replace', path: 'title', value: 'T' }]);
    assert.deepEqual(attributePatch('entra-legacy', changes).Operations, [{ op: 'Replace', path: 'active', value: 'False' }, { op: 'Replace', path: 'title', value: 'T' }]);
    assert.deepEqual(memberPatch('rfc', ['a'], ['b']).Operations, [{ op: 'remove', path: 'members[value eq "b"]' }, { op: 'add', path: 'members', value: [{ value: 'a' }] }]);
    assert.deepEqual(memberPatch('entra-legacy', [], ['b', 'c']).Operations, [{ op: 'Remove', path: 'members', value: [{ value: 'b' }, { value: 'c' }] }]);
  });
  it('reads Retry-After as seconds or an HTTP date', () => {
    assert.equal(retryAfterMs('3', 0), 3000);
    assert.equal(retryAfterMs('Thu, 01 Jan 1970 00:00:05 GMT', 1000), 4000);
    assert.equal(retryAfterMs(null, 0), undefined);
  });
});

describe('configuration', () => {
  it('accepts JSONC comments, "//" keys and trailing commas', () => {
    const text = `// job\n{ "//": "note", "name": "j", /* c */ "source": {"type": "csv", "path": "u.csv", "key": "id"},\n "target": {"url": "https://a.example/scim", "token": "t"},\n "users": {"mappings": [{"target": "userName", "expression": "[mail]", "matching": 1},]}, }`;
    const job = parseSyncConfig(text, '/etc/jobs/j.jsonc', {});
    assert.equal(job.config.source.type === 'csv' && job.config.source.path, '/etc/jobs/u.csv');
    assert.equal(job.config.schedule.intervalMinutes, 40);
    assert.deepEqual(job.config.actions, { create: true, update: true, disable: true, delete: false });
    assert.equal(stripJsonComments('{"a": "http://x//y"}'), '{"a": "http://x//y"}');
  });
  it('lists every problem with its JSON path', () => {
    const text = JSON.stringify({
      name: 'j',
      source: { type: 'csv', path: 'u.csv', key: 'id' },
      target: { url: 'https://a.example/scim', token: 'env:MISSING', profile: 'weird' },
      users: { mappings: [{ target: 'userName', expression: 'Join(', matching: 1 }, { target: 'title', expression: '[t]', matching: 1 }], scope: [[{ attribute: 'a', operator: 'REGEX MATCH', value: '(' }]] },
    });
    try {
      parseSyncConfig(text, '/j.json', {});
      assert.fail('expected an error');
    } catch (error) {
      assert.deepEqual((error as { problems: string[] }).problems.map((p) => p.split(':')[0]), ['$.target.profile']);
    }
    const valid = JSON.parse(text);
    valid.target.profile = 'rfc';
    try {
      parseSyncConfig(JSON.stringify(valid), '/j.json', {});
      assert.fail('expected an error');
    } catch (error) {
      assert.deepEqual((error as { problems: string[] }).problems.map((p) => p.split(':')[0]), ['$.users.mappings[0].expression', '$.users.mappings[1].matching', '$.users.scope[0][0].value', '$.target.token']);
    }
  });
});
