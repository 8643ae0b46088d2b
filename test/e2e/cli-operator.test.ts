/**
 * Operators and setup links through the real `scimd` binary: create an
 * operator and a setup link with the CLI, then use both against a running `scimd serve` on the same
 * SQLite database — the operator logs in to the admin API, the customer admin's link manages the
 * organization's keys — and revoke the link from the CLI.
 */
import { spawn } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BIN, runScimd, serveScimd, tempDir, type Finished, type Served } from './process.ts';

let dir: ReturnType<typeof tempDir>;
let env: Record<string, string>;
const scimd = (...args: string[]) => runScimd(args, env);

/** Runs scimd with `input` piped to its stdin. */
function scimdWithInput(input: string, ...args: string[]): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
    child.stdin.end(input);
  });
}

/** The address the server really listens on (PUBLIC_URL here points elsewhere on purpose). */
function apiBase(served: Served): string {
  const line = served.lines.find((l) => l.includes('"scimd listening"')) ?? '{}';
  return `http://${(JSON.parse(line) as { listen: string }).listen}`;
}

before(() => {
  dir = tempDir();
  env = { DATA_DIR: dir.path, PUBLIC_URL: 'http://127.0.0.1:1' };
});
after(() => dir.remove());

describe('scimd operator and setup-link commands', () => {
  let orgId = '';
  let link: { id: string; token: string; url: string; expiresAt: string };
  let server: Served | undefined;
  after(async () => {
    await server?.stop();
  });

  it('creates operators, with the password as a flag or on stdin, and lists them', async () => {
    const created = await scimd('operator', 'create', '--email', 'ada@vendor.test', '--password', 'correct horse battery', '--json');
    assert.equal(created.code, 0, created.stderr);
    assert.equal(JSON.parse(created.stdout).email, 'ada@vendor.test');
    const piped = await scimdWithInput('another long password\n', 'operator', 'create', '--email', 'bob@vendor.test', '--password-stdin');
    assert.equal(piped.code, 0, piped.stderr);
    assert.match(piped.stdout, /^Created operator bob@vendor\.test \(/);
    const list = await scimd('operator', 'list');
    assert.match(list.stdout, /^ID\s+EMAIL\s+CREATED\s+LAST LOGIN\n/);
    assert.match(list.stdout, /ada@vendor\.test/);
    assert.equal(list.stdout.includes('correct horse'), false);
  });

  it('refuses a duplicate e-mail and a short password with exit 1, and a missing flag with exit 2', async () => {
    const dup = await scimd('operator', 'create', '--email', 'ADA@vendor.test', '--password', 'correct horse battery');
    assert.equal(dup.code, 1);
    assert.equal(dup.stderr.trim(), 'scimd: An operator with the e-mail "ADA@vendor.test" already exists');
    const short = await scimd('operator', 'create', '--email', 'eve@vendor.test', '--password', 'short');
    assert.equal(short.code, 1);
    assert.equal(short.stderr.trim(), 'scimd: password must have at least 12 characters');
    const missing = await scimd('operator', 'create', '--email', 'eve@vendor.test');
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /^scimd: missing --password\n/);
  });

  it('creates a setup link for an organization and prints its URL once', async () => {
    const org = await scimd('org', 'create', '--name', 'Acme', '--json');
    assert.equal(org.code, 0, org.stderr);
    orgId = JSON.parse(org.stdout).id;
    const made = await scimd('setup-link', 'create', '--org', orgId, '--expires-in', '2d', '--json');
    assert.equal(made.code, 0, made.stderr);
    link = JSON.parse(made.stdout);
    assert.equal(link.url, `http://127.0.0.1:1/console/setup#token=${link.token}`);
    assert.equal(Date.parse(link.expiresAt) - Date.now() > 47 * 3_600_000, true);
    const human = await scimd('setup-link', 'create', '--org', orgId);
    assert.match(human.stdout, /^Link ID: +\S+\nOrganization: +\S+\nExpires: +\S+\nURL: +http:\/\/127\.0\.0\.1:1\/console\/setup#token=scimd_setup_/);
    const bad = await scimd('setup-link', 'create', '--org', orgId, '--expires-in', '90d');
    assert.equal(bad.code, 1);
    assert.equal(bad.stderr.trim(), 'scimd: A setup link must expire within 30 days');
    const unknown = await scimd('setup-link', 'create', '--org', 'nope');
    assert.equal(unknown.code, 1);
    assert.equal(unknown.stderr.trim(), 'scimd: Organization "nope" not found');
  });

  it('lets the operator log in and the link holder manage keys on a running server', async () => {
    server = await serveScimd(env);
    const api = apiBase(server);
    const login = await fetch(`${api}/api/v1/session`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ email: 'ada@vendor.test', password: 'correct horse battery' }) });
    assert.equal(login.status, 201);
    const me = (await (await fetch(`${api}/api/v1/session`, { headers: { Authorization: `Bearer ${link.token}` } })).json()) as { kind: string; orgId: string };
    assert.deepEqual([me.kind, me.orgId], ['setupLink', orgId]);
    const key = await fetch(`${api}/api/v1/organizations/${orgId}/keys`, { method: 'POST', headers: { Authorization: `Bearer ${link.token}`, 'Content-Type': 'application/json' }, body: JSON.stringify({ type: 'scim', description: 'Entra' }) });
    assert.equal(key.status, 201);
  });

  it('lists the links without tokens and revokes one, after which it is refused', async () => {
    const list = await scimd('setup-link', 'list', '--org', orgId, '--json');
    const links = JSON.parse(list.stdout) as { id: string; status: string }[];
    assert.equal(list.stdout.includes(link.token), false);
    assert.deepEqual(links.map((l) => l.status), ['active', 'active']);
    const revoked = await scimd('setup-link', 'revoke', '--org', orgId, link.id);
    assert.equal(revoked.code, 0, revoked.stderr);
    assert.equal(revoked.stdout.trim(), `Revoked setup link ${link.id}; it no longer works`);
    const refused = await fetch(`${apiBase(server!)}/api/v1/session`, { headers: { Authorization: `Bearer ${link.token}` } });
    assert.equal(refused.status, 401);
  });
});
