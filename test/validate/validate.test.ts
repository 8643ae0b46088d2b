/**
 * `scimd validate` against scimd itself (an organization served on 127.0.0.1 over a temp SQLite
 * database: every check passes) and against SCIMMY, an independent SCIM server from npm started
 * here (its real failures are reported and nothing created is left behind); usage errors exit 2
 * and a bad token fails Test Connection with a hint.
 */
import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../../src/cli/main.ts';
import { validateScimEndpoint } from '../../src/sync/validate/checks.ts';
import { startScimd, type ServedScimd } from '../sync/harness.ts';
import { createScimmyPeer, type Doc } from '../sync/scimmy-peer.ts';

const SCIMMY_TOKEN = 'scimmy-validate-secret';

/** SCIMMY with the enterprise extension declared and a bearer token required. */
const scimmyServer = () => createScimmyPeer({ token: SCIMMY_TOKEN, enterprise: true });

/** Runs the CLI in-process and captures stdout and stderr. */
async function cli(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, {
    io: { out: (line) => out.push(line), err: (line) => err.push(line) },
    start: () => Promise.reject(new Error('not used')),
    waitForSignal: () => Promise.resolve('SIGTERM'),
  });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('scimd validate', () => {
  let scimd: ServedScimd;
  let scimmy: ReturnType<typeof scimmyServer>;
  let scimmyHttp: Server;
  let scimmyUrl: string;

  before(async () => {
    scimd = await startScimd();
    scimmy = scimmyServer();
    scimmyHttp = scimmy.app.listen(0, '127.0.0.1');
    await new Promise((resolve) => scimmyHttp.once('listening', resolve));
    scimmyUrl = `http://127.0.0.1:${(scimmyHttp.address() as AddressInfo).port}/scim`;
  });
  after(async () => {
    scimmyHttp.closeAllConnections();
    await new Promise((resolve) => scimmyHttp.close(resolve));
    await scimd.close();
  });

  it('passes every check against scimd and leaves nothing behind (--json, exit 0)', async () => {
    const run = await cli(['validate', scimd.url, scimd.token, '--json']);
    const report = JSON.parse(run.out);
    const failures = report.checks.filter((c: Doc) => c.status !== 'pass');
    assert.deepEqual(failures, []);
    assert.equal(run.code, 0);
    assert.equal(report.failed, 0);
    assert.equal(report.passed, report.checks.length);
    assert.ok(report.checks.length >= 25);
    assert.deepEqual(report.leftovers, []);
    for (const profile of ['entra', 'okta'] as const) {
      const single = await validateScimEndpoint({ baseUrl: scimd.url, token: scimd.token, profile });
      assert.deepEqual(single.checks.filter((c) => c.status !== 'pass'), [], profile);
      assert.ok(single.passed < report.passed, `${profile} runs a subset`);
    }
    const users = await scimd.harness.call('GET', '/Users');
    assert.equal(users.json.totalResults, 0);
    const groups = await scimd.harness.call('GET', '/Groups');
    assert.equal(groups.json.totalResults, 0);
  });

  it('reports the real failures of SCIMMY, with request, response and hint, and removes what it created', async () => {
    const report = await validateScimEndpoint({ baseUrl: scimmyUrl, token: SCIMMY_TOKEN, profile: 'all' });
    const byName = new Map(report.checks.map((c) => [c.name, c]));
    assert.equal(byName.get('Test Connection: filter for a user that cannot exist')?.status, 'pass');
    assert.ok(report.failed > 0, 'SCIMMY is expected to fail some checks');
    for (const check of report.checks.filter((c) => c.status === 'fail')) {
      assert.ok(check.hint, `${check.name} has a hint`);
      assert.ok(check.request, `${check.name} shows its request`);
    }
    assert.deepEqual(report.leftovers, []);
    assert.equal(scimmy.stores.User.size, 0);
    assert.equal(scimmy.stores.Group.size, 0);
    // Exit status 1 through the CLI, with the readable table.
    const run = await cli(['validate', scimmyUrl, SCIMMY_TOKEN, '--profile', 'okta']);
    assert.equal(run.code, 1);
    assert.match(run.out, /^FAIL /m);
    assert.match(run.out, /hint: /);
    assert.equal(scimmy.stores.User.size, 0);
    // SCIMMY's filter compares userName case-sensitively and its schema validation refuses Entra's
    // string forms (a bare manager id, "False" for active) with 400 invalidValue.
    assert.deepEqual(
      report.checks.filter((c) => c.status === 'fail').map((c) => c.name),
      ['Users: userName match is case-insensitive', 'Users: PATCH enterprise manager as a string', 'Users: deactivate with active "False" (Entra)'],
    );
    assert.equal(byName.get('Users: deactivate with active "False" (Entra)')?.response?.status, 400);
    assert.equal(report.skipped, 0);
  });

  it('fails Test Connection on a bad token, with a hint, and skips the rest', async () => {
    const run = await cli(['validate', scimd.url, 'not-the-token', '--json', '--profile', 'entra']);
    assert.equal(run.code, 1);
    const report = JSON.parse(run.out);
    const first = report.checks[0];
    assert.equal(first.status, 'fail');
    assert.equal(first.response.status, 401);
    assert.match(first.hint, /token/);
    assert.ok(report.checks.slice(1).every((c: Doc) => c.status === 'skip'));
  });

  it('reports an unreachable endpoint as a failed Test Connection (exit 1)', async () => {
    const run = await cli(['validate', 'http://127.0.0.1:1/scim/v2', 'token', '--json', '--timeout', '2000']);
    assert.equal(run.code, 1);
    const report = JSON.parse(run.out);
    assert.equal(report.checks[0].status, 'fail');
    assert.match(report.checks[0].detail, /request failed/);
    assert.match(report.checks[0].hint, /Tenant URL/);
    assert.deepEqual(report.leftovers, []);
  });

  it('exits 2 on usage errors', async () => {
    assert.equal((await cli(['validate'])).code, 2);
    assert.equal((await cli(['validate', scimd.url])).code, 2);
    assert.equal((await cli(['validate', 'not-a-url', 'token'])).code, 2);
    assert.equal((await cli(['validate', scimd.url, 'token', '--profile', 'azure'])).code, 2);
    assert.equal((await cli(['validate', scimd.url, 'token', '--bogus'])).code, 2);
    const help = await cli(['validate', '--help']);
    assert.equal(help.code, 0);
    assert.match(help.out, /--profile/);
  });
});
