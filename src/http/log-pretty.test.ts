import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatLogLine, prettyDestination } from './log-pretty.ts';

const time = '2026-03-01T09:15:02.345Z';

describe('readable log lines', () => {
  it('puts time, level name and message first, then the other fields as key=value', () => {
    const line = formatLogLine({ level: 'info', time, service: 'scimd', msg: 'scimd listening', url: 'http://localhost:8080', firstStart: false }, false);
    assert.equal(line, '09:15:02.345 INFO  scimd listening url=http://localhost:8080 firstStart=false');
  });

  it('leads a request line with method, path, status and duration', () => {
    const line = formatLogLine({ level: 'info', time, msg: 'request', method: 'GET', path: '/scim/v2/Users', status: 200, durationMs: 1.25, requestId: 'r-1' }, false);
    assert.equal(line, '09:15:02.345 INFO  GET /scim/v2/Users 200 1.25ms requestId=r-1');
  });

  it('prints an error stack indented under the line', () => {
    const line = formatLogLine({ level: 'error', time, msg: 'request', method: 'GET', path: '/x', status: 500, durationMs: 3, err: { message: 'boom', stack: 'Error: boom\n    at f (a.ts:1:1)' } }, false);
    assert.deepEqual(line.split('\n'), ['09:15:02.345 ERROR GET /x 500 3ms', '    Error: boom', '        at f (a.ts:1:1)']);
  });

  it('colours the level only for a terminal', () => {
    const coloured = formatLogLine({ level: 'warn', time, msg: 'x' }, true);
    assert.ok(coloured.includes('\u001b[33mWARN '));
    assert.ok(!formatLogLine({ level: 'warn', time, msg: 'x' }, false).includes('\u001b'));
  });

  it('passes a line that is not JSON through unchanged', () => {
    const written: string[] = [];
    prettyDestination({ write: (t: string) => written.push(t) }).write('plain text\n');
    assert.deepEqual(written, ['plain text\n']);
  });
});
