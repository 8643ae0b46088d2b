import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Config } from '../config.ts';
import type { CliIo } from './io.ts';
import { announcement, type RunningServer, type ServeInfo, type StartServer } from './commands/serve.ts';
import { runCli } from './main.ts';

function capture(): CliIo & { out_: string[]; err_: string[] } {
  const out_: string[] = [];
  const err_: string[] = [];
  return { out_, err_, out: (l) => out_.push(l), err: (l) => err_.push(l) };
}

const created = {
  url: 'http://localhost:8080',
  tenantUrl: 'http://localhost:8080/scim/v2',
  consoleUrl: 'http://localhost:8080/console',
  bootstrap: {
    status: 'created',
    secretSource: 'generated',
    secret: 'scimd_0123abcd_secret',
    organization: {} as never,
    key: {} as never,
  },
} as const satisfies ServeInfo;

describe('scimd serve output', () => {
  it('prints the Tenant URL and the generated token on first start', () => {
    assert.deepEqual(announcement(created), ['Tenant URL: http://localhost:8080/scim/v2', 'SCIM token: scimd_0123abcd_secret', 'Console: http://localhost:8080/console']);
  });

  it('says a provided bootstrap token was installed without printing it', () => {
    const lines = announcement({ ...created, bootstrap: { ...created.bootstrap, secretSource: 'provided' } });
    assert.deepEqual(lines, ['Tenant URL: http://localhost:8080/scim/v2', 'SCIM token installed from SCIMD_BOOTSTRAP_TOKEN (not shown)', 'Console: http://localhost:8080/console']);
    assert.ok(!lines.join('\n').includes('scimd_0123abcd_secret'));
  });

  it('prints the Tenant URL, the Console URL and how to get a new key on later starts', () => {
    assert.deepEqual(announcement({ ...created, bootstrap: { status: 'existing', organizationId: 'org-1' } }), [
      'Tenant URL: http://localhost:8080/scim/v2',
      'Console: http://localhost:8080/console',
      'Lost the SCIM token? Create a new key (shown once): scimd key create --org org-1 --type scim --description "Entra ID"',
    ]);
  });

  it('points to "scimd org list" when several organizations exist', () => {
    const lines = announcement({ ...created, bootstrap: { status: 'existing' } });
    assert.match(lines[2] ?? '', /Find the organization with "scimd org list", then: scimd key create --org <orgId> --type scim/);
  });
});

describe('runCli', () => {
  it('starts the server with flags overriding the environment, announces, and closes on a signal', async () => {
    const io = capture();
    let seen: Config | undefined;
    let closed = false;
    const start: StartServer = async (config, options) => {
      seen = config;
      options.announce(created);
      return { ...created, close: async () => void (closed = true) } satisfies RunningServer;
    };
    const code = await runCli(['serve', '--port', '0', '--host', '0.0.0.0', '--database-url', 'sqlite::memory:'], {
      io,
      start,
      waitForSignal: async () => 'SIGTERM',
    });
    assert.equal(code, 0);
    assert.equal(seen?.port, 0);
    assert.equal(seen?.host, '0.0.0.0');
    assert.deepEqual(seen?.database, { kind: 'sqlite', path: ':memory:', synchronous: 'full' });
    assert.deepEqual(io.out_, ['Tenant URL: http://localhost:8080/scim/v2', 'SCIM token: scimd_0123abcd_secret', 'Console: http://localhost:8080/console']);
    assert.ok(closed);
  });

  it('prints a startup error with a stable code as its message and exits 1', async () => {
    const io = capture();
    const failure = Object.assign(new Error('cannot listen: port 8080 on 127.0.0.1 is already in use'), { code: 'LISTEN_FAILED' });
    const code = await runCli(['serve'], { io, start: () => Promise.reject(failure), waitForSignal: async () => 'SIGTERM' });
    assert.equal(code, 1);
    assert.deepEqual(io.err_, ['scimd: cannot listen: port 8080 on 127.0.0.1 is already in use']);
  });

  it('prints the stack of an unexpected error and exits 1', async () => {
    const io = capture();
    const code = await runCli(['serve'], { io, start: () => Promise.reject(new Error('boom')), waitForSignal: async () => 'SIGTERM' });
    assert.equal(code, 1);
    assert.match(io.err_[0] ?? '', /^scimd: unexpected error: Error: boom\n\s+at /);
  });
});
