/**
 * The `scimd` binary as a user runs it: help, usage errors, configuration errors, `migrate`, and
 * `serve`'s startup failures, each in its own temporary DATA_DIR.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { runScimd, tempDir } from './process.ts';

let dir: ReturnType<typeof tempDir>;
before(() => {
  dir = tempDir();
});
after(() => dir.remove());

describe('scimd command line', () => {
  it('prints the usage with --help and exits 0', async () => {
    const result = await runScimd(['--help']);
    assert.equal(result.code, 0);
    assert.match(result.stdout, /Usage: scimd <command>/);
    assert.match(result.stdout, /--database-url <url>/);
    assert.match(result.stdout, /SCIM token: <secret>/);
  });

  it('exits 2 with a hint for a missing command, an unknown command or an unknown flag', async () => {
    const none = await runScimd([]);
    assert.equal(none.code, 2);
    const unknown = await runScimd(['frobnicate']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown command "frobnicate"/);
    assert.match(unknown.stderr, /scimd --help/);
    const flag = await runScimd(['serve', '--prot', '80']);
    assert.equal(flag.code, 2);
    assert.match(flag.stderr, /Unknown option '--prot'/);
  });

  it('lists every configuration problem at once and exits 1 before touching the database', async () => {
    const result = await runScimd(['serve', '--port', 'eighty', '--public-url', 'ftp://x'], { DATA_DIR: join(dir.path, 'bad'), SCIMD_RATE_LIMIT_PER_SECOND: '-1' });
    assert.equal(result.code, 1);
    assert.match(result.stderr, /Invalid configuration/);
    for (const name of ['PORT', 'PUBLIC_URL', 'SCIMD_RATE_LIMIT_PER_SECOND']) assert.match(result.stderr, new RegExp(name));
    assert.equal(result.stdout, '');
  });

  it('migrates a new database, printing one line per migration, then reports it up to date', async () => {
    const env = { DATA_DIR: join(dir.path, 'migrate') };
    const first = await runScimd(['migrate'], env);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /^0001-initial: Success$/m);
    assert.match(first.stdout, /^0002-administration: Success$/m);
    const second = await runScimd(['migrate', '--data-dir', env.DATA_DIR]);
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stdout, /Database is up to date \(\d+ migrations applied\)/);
  });

  it('refuses a weak SCIMD_BOOTSTRAP_TOKEN with its reasons', async () => {
    const result = await runScimd(['serve'], { DATA_DIR: join(dir.path, 'weak'), PORT: '0', SCIMD_BOOTSTRAP_TOKEN: 'a'.repeat(40) });
    assert.equal(result.code, 1);
    assert.match(result.stderr, /SCIMD_BOOTSTRAP_TOKEN: .*at least 12 different characters/);
  });

  it('says which port is taken when it cannot listen', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const result = await runScimd(['serve', '--port', String(port)], { DATA_DIR: join(dir.path, 'busy') });
      assert.equal(result.code, 1);
      assert.match(result.stderr, new RegExp(`port ${port} on 127.0.0.1 is already in use`));
    } finally {
      blocker.close();
    }
  });

  it('names the database when PostgreSQL cannot be reached', async () => {
    const result = await runScimd(['migrate', '--database-url', 'postgres://nobody@127.0.0.1:1/none']);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /scimd: cannot open the postgres database: .*ECONNREFUSED/);
    const serve = await runScimd(['serve', '--database-url', 'postgres://nobody@127.0.0.1:1/none'], { PORT: '0' });
    assert.equal(serve.code, 1);
    assert.match(serve.stderr, /cannot open the postgres database: .*ECONNREFUSED/);
  });
});
