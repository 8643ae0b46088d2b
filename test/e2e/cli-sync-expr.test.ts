/**
 * `scimd sync expr` as a user runs it: one expression with --input, the caret under a parse error,
 * and --stdin with several JSON lines answered one line each, in order.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runScimd } from './process.ts';

describe('scimd sync expr', () => {
  it('prints the value of one expression as JSON', async () => {
    const result = await runScimd(['sync', 'expr', 'Switch([IsSoftDeleted], , "False", "True", "True", "False")', '--input', '{"IsSoftDeleted": true}']);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, '"False"\n');
  });

  it('pins Now() with --now and marks an ignored flow', async () => {
    const now = await runScimd(['sync', 'expr', 'DateAdd("d", 1, Now())', '--now', '2024-02-28T23:30:00Z']);
    assert.equal(now.stdout, '"2/29/2024 11:30:00 PM"\n');
    const ignored = await runScimd(['sync', 'expr', 'IgnoreFlowIfNullOrEmpty([department])', '--input', '{"department": ""}']);
    assert.equal(ignored.code, 0);
    assert.equal(ignored.stdout, '{"flow":false}\n');
  });

  it('exits 1 with the message and a caret under the position of a parse error', async () => {
    const result = await runScimd(['sync', 'expr', 'Join(" ", [givenName] [sn])']);
    assert.equal(result.code, 1);
    assert.equal(result.stdout, '');
    const lines = result.stderr.trimEnd().split('\n');
    assert.match(lines[0]!, /expected "," or "\)" after argument 2 of Join, found \[sn\] \(syntax at position 22\)/);
    assert.equal(lines[1], '  Join(" ", [givenName] [sn])');
    assert.equal(lines[2], `  ${' '.repeat(22)}^`);
  });

  it('exits 2 on a usage error such as input that is not a JSON object', async () => {
    const result = await runScimd(['sync', 'expr', '[a]', '--input', '[1,2]']);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /--input must be a JSON object/);
  });

  it('answers every --stdin line with one JSON line, in order, errors included', async () => {
    const requests = [
      { expression: 'Join(" ", [givenName], [surname])', input: { givenName: 'Ada', surname: 'Lovelace' } },
      { expression: 'Join(" ", [givenName], [surname])', input: { givenName: 'Grace', surname: 'Hopper' } },
      { expression: 'IgnoreFlowIfNullOrEmpty([department])', input: {} },
      { expression: 'Now()', input: {}, now: '2021-07-02T15:33:38Z' },
      {
        expression: 'SelectUniqueValue(Join("@", [givenName], "x.example"), Join("@", Join(".", [givenName], [surname]), "x.example"))',
        input: { givenName: 'ada', surname: 'lovelace' },
        targetExisting: ['ada@x.example'],
      },
      { expression: 'DateAdd("d", 1, [hired])', input: { hired: 'someday' } },
      { expression: 'Left([a]', input: {} },
    ];
    const stdin = `${requests.map((r) => JSON.stringify(r)).join('\n')}\nnot json\n`;
    const result = await runScimd(['sync', 'expr', '--stdin'], {}, 30_000, stdin);
    assert.equal(result.code, 0, result.stderr);
    const lines = result.stdout.trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    assert.deepEqual(lines.slice(0, 5), [
      { value: 'Ada Lovelace' },
      { value: 'Grace Hopper' },
      { flow: false },
      { value: '7/2/2021 3:33:38 PM' },
      { value: 'ada.lovelace@x.example' },
    ]);
    assert.equal(lines[5]!['code'], 'type');
    assert.match(String(lines[5]!['error']), /DateAdd: dateTime must be a date/);
    assert.deepEqual({ code: lines[6]!['code'], position: lines[6]!['position'] }, { code: 'syntax', position: 8 });
    assert.equal(lines[7]!['code'], 'invalidRequest');
    assert.equal(lines.length, 8);
  });
});
