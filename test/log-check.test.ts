/**
 * scripts/check-test-logs.mjs, the end of `npm test` that searches every collected log line for
 * secrets: it names the line holding a recorded secret or a token-shaped string, and passes clean logs.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SCRIPT = fileURLToPath(new URL('../scripts/check-test-logs.mjs', import.meta.url));

function check(files: Record<string, string>, ...flags: string[]) {
  const dir = mkdtempSync(join(tmpdir(), 'scimd-log-check-'));
  try {
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    return spawnSync(process.execPath, [SCRIPT, dir, ...flags], { encoding: 'utf8' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const CLEAN = 'http harness\t{"level":"info","msg":"request","path":"/scim/v2/Users","status":200}\n';

describe('the log check of the test run', () => {
  it('passes log lines that hold no secret, and counts them', () => {
    const result = check({ '1.log': CLEAN, '1.secrets': '"correct horse battery staple"\n' });
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /1 log lines from 1 test processes, 1 recorded secrets/);
  });

  it('fails on a line holding a recorded secret, naming the process file and the line', () => {
    const result = check({ '1.log': CLEAN, '2.log': 'scimd serve\t{"msg":"login","body":"correct horse battery staple"}\n', '1.secrets': '"correct horse battery staple"\n' });
    assert.equal(result.status, 1);
    assert.match(result.stderr, /1 log line\(s\) hold a secret/);
    assert.match(result.stderr, /2\.log: secret "correct hors"… in: scimd serve\t\{"msg":"login"/);
  });

  it('fails on token-shaped strings nobody recorded: API keys, sessions, setup links, webhook secrets', () => {
    const shapes = [
      `scimd_0123abcd_${'A'.repeat(43)}`,
      `scimd_session_${'b'.repeat(43)}`,
      `https://app.test/setup#scimd_setup_${'c'.repeat(43)}`,
      `whsec_${'d'.repeat(43)}=`,
    ];
    for (const shape of shapes) {
      const result = check({ '1.log': `${CLEAN}admin harness\t{"msg":"x","v":"${shape}"}\n` });
      assert.equal(result.status, 1, shape);
    }
    // The metric names and the cookie name share the prefix but are no secrets.
    assert.equal(check({ '1.log': 'scimd serve\tscimd_http_requests_total scimd_session scimd_0123abcd\n' }).status, 0);
  });

  it('fails with --require-lines when nothing was collected', () => {
    const result = check({}, '--require-lines');
    assert.equal(result.status, 1);
    assert.match(result.stderr, /no log lines were collected/);
    assert.equal(check({}).status, 0);
  });
});
