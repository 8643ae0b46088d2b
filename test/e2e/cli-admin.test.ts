/**
 * The administration story (organizations, keys, roles, policies, history) through the real `scimd` binary on one temporary DATA_DIR,
 * next to a running `scimd serve` on the same SQLite database: create an organization and a SCIM
 * key with the CLI, provision users with `userType` roles, read and export the revision history,
 * rotate the key, toggle SCIM, read the provisioning activity, and delete the organization.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runScimd, scimClient, serveScimd, tempDir, type Served } from './process.ts';

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';

let dir: ReturnType<typeof tempDir>;
let env: Record<string, string>;
const scimd = (...args: string[]) => runScimd(args, env);
const json = <T = Record<string, unknown>>(stdout: string): T => JSON.parse(stdout) as T;

before(() => {
  dir = tempDir();
  // The server re-reads keys, toggles and policies on every request (no 2 s cache) so the test needs no sleeps.
  env = { DATA_DIR: dir.path, PUBLIC_URL: 'https://scim.example.test' };
});
after(() => dir.remove());

describe('scimd administration commands', () => {
  let orgId = '';
  let key: { id: string; secret: string };
  let server: Served | undefined;
  after(async () => {
    await server?.stop();
  });

  it('creates an organization and a SCIM key with an expiry, printing JSON for scripts', async () => {
    const org = await scimd('org', 'create', '--name', 'Acme', '--preset', 'email-identity', '--json');
    assert.equal(org.code, 0, org.stderr);
    const created = json<{ id: string; tenantUrl: string; scimEnabled: boolean; slug: string }>(org.stdout);
    assert.deepEqual([created.tenantUrl, created.scimEnabled, created.slug], ['https://scim.example.test/scim/v2', true, 'acme']);
    orgId = created.id;
    const made = await scimd('key', 'create', '--org', orgId, '--type', 'scim', '--description', 'Entra', '--expires', '2099-06-30', '--json');
    assert.equal(made.code, 0, made.stderr);
    key = json(made.stdout);
    assert.match(key.secret, /^scimd_[0-9a-f]{8}_/);
    assert.equal(json<{ expiresAt: string }>(made.stdout).expiresAt, '2099-06-30T23:59:59.999Z');
  });

  it('lists the key without its secret, shows the organization and lists the roles', async () => {
    const [table, list, show, roles] = await Promise.all([
      scimd('key', 'list', '--org', orgId),
      scimd('key', 'list', '--org', orgId, '--json'),
      scimd('org', 'show', orgId),
      scimd('role', 'create', '--org', orgId, '--name', 'Contractor', '--json'),
    ]);
    assert.match(table.stdout, /^ID +TYPE +PREFIX +DESCRIPTION +STATUS +EXPIRES/);
    assert.match(table.stdout, /scim +scimd_[0-9a-f]{8} +Entra +active +2099-06-30T23:59:59.999Z/);
    for (const out of [table.stdout, list.stdout]) assert.ok(!out.includes(key.secret.slice(15)), 'the secret is never shown again');
    assert.deepEqual(Object.keys(json<Record<string, unknown>[]>(list.stdout)[0]!).includes('secretHash'), false);
    assert.match(show.stdout, /Tenant URL: +https:\/\/scim.example.test\/scim\/v2/);
    assert.match(show.stdout, /Default role: +Employee/);
    assert.equal(json<{ name: string; predefined: boolean }>(roles.stdout).name, 'Contractor');
  });

  it('serves SCIM with the CLI\'s key and enforces roles and policies on userType and userName', async () => {
    server = await serveScimd(env);
    assert.equal(server.token, undefined, 'organizations exist, so no first-start token');
    const scim = scimClient('http://' + server.lines.find((l) => l.includes('"scimd listening"'))!.match(/"listen":"([^"]+)"/)![1], key.secret);
    const base = (path: string) => `/scim/v2${path}`;
    const ann = await scim('POST', base('/Users'), { schemas: [USER], userName: 'ann@contoso.com', userType: 'Contractor', name: { givenName: 'Ann', familyName: 'Lee' } });
    assert.equal(ann.status, 201);
    assert.deepEqual([ann.body?.['userType'], ann.body?.['displayName']], ['Contractor', 'Ann Lee']);
    const bob = await scim('POST', base('/Users'), { schemas: [USER], userName: 'bob@contoso.com' });
    assert.equal(bob.body?.['userType'], 'Employee');
    const owner = await scim('POST', base('/Users'), { schemas: [USER], userName: 'eve@contoso.com', userType: 'Owner' });
    assert.deepEqual([owner.status, owner.body?.['scimType']], [400, 'invalidValue']);
    assert.match(String(owner.body?.['detail']), /use exactly one of "Admin", "Contractor", "Editor", "Employee", "Viewer"/);
    const plain = await scim('POST', base('/Users'), { schemas: [USER], userName: 'jsmith' });
    assert.match(String(plain.body?.['detail']), /not an e-mail address/);
  });

  it('exports the history as CSV and JSON with the SCIM System User and refuses to delete a role in use', async () => {
    const [csv, jsonExport, members, refused] = await Promise.all([
      scimd('audit', 'export', '--org', orgId, '--format', 'csv'),
      scimd('audit', 'export', '--org', orgId, '--format', 'json', '--actor-type', 'scim'),
      scimd('role', 'members', '--org', orgId, '--json'),
      scimd('role', 'delete', '--org', orgId, 'Contractor'),
    ]);
    assert.equal(csv.code, 0, csv.stderr);
    const lines = csv.stdout.trimEnd().split('\r\n');
    assert.equal(lines[0], 'occurredAt,actorType,actorId,actorName,action,resourceType,resourceId,requestId,sourceIp,changes');
    assert.ok(lines.some((l) => l.includes(`,scim,${key.id},SCIM System User (Entra),user.created,User,`)), csv.stdout);
    assert.ok(lines.some((l) => l.includes(',role.created,Role,')));
    const events = json<{ action: string; actorName: string; sourceIp: string }[]>(jsonExport.stdout);
    assert.deepEqual(events.map((e) => e.action), ['user.created', 'user.created']);
    assert.ok(events.every((e) => e.actorName === 'SCIM System User (Entra)' && e.sourceIp === '127.0.0.1'));
    assert.deepEqual(json<{ userName: string; role: string }[]>(members.stdout).map((m) => [m.userName, m.role]), [['ann@contoso.com', 'Contractor']]);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /scimd: Role "Contractor" is the userType of 1 user\(s\) and cannot be deleted/);
  });

  it('rotates the key and toggles SCIM, effective on the next request', async () => {
    const url = 'http://' + server!.lines.find((l) => l.includes('"scimd listening"'))!.match(/"listen":"([^"]+)"/)![1] + '/scim/v2';
    const rotated = json<{ id: string; secret: string }>((await scimd('key', 'create', '--org', orgId, '--type', 'scim', '--description', 'Entra 2027', '--json')).stdout);
    const revoke = await scimd('key', 'revoke', key.id);
    assert.equal(revoke.code, 0, revoke.stderr);
    assert.match(revoke.stdout, /Revoked key .* \(Entra\)/);
    assert.equal((await scimClient(url, key.secret)('GET', '/Users')).status, 401);
    const fresh = scimClient(url, rotated.secret);
    assert.equal((await fresh('GET', '/Users')).status, 200);
    assert.equal((await scimd('org', 'scim', 'off', orgId)).code, 0);
    const off = await fresh('GET', '/Users');
    assert.deepEqual([off.status, off.body?.['detail']], [403, 'SCIM provisioning is disabled for this organization']);
    assert.equal((await scimd('org', 'scim', 'on', orgId)).code, 0);
    assert.equal((await fresh('GET', '/Users')).status, 200);
  });

  it('shows the provisioning activity the server wrote on shutdown, then deletes the organization', async () => {
    await server!.stop();
    server = undefined;
    const activity = json<{ buckets: { creates: number; errors: number }[]; lastSuccessAt: string | null; lastErrors: { status: number; body: { detail: string } }[] }>(
      (await scimd('org', 'activity', orgId, '--bucket', 'day', '--json')).stdout,
    );
    const today = activity.buckets.at(-1)!;
    assert.deepEqual([today.creates, today.errors], [2, 3], 'two users created; two 400s and the 403 (a revoked key\'s 401 belongs to no organization)');
    assert.ok(activity.lastSuccessAt);
    assert.ok(activity.lastErrors.some((e) => e.status === 403 && /disabled/.test(e.body.detail)));
    assert.equal((await scimd('org', 'delete', orgId)).code, 2, 'deleting needs --yes');
    const deleted = await scimd('org', 'delete', orgId, '--yes');
    assert.equal(deleted.code, 0, deleted.stderr);
    const gone = await scimd('org', 'show', orgId);
    assert.deepEqual([gone.code, gone.stderr.trim()], [1, `scimd: Organization "${orgId}" not found`]);
  });

  it('explains usage mistakes with exit status 2', async () => {
    const [missing, unknown, help] = await Promise.all([scimd('key', 'create', '--org', 'x'), scimd('role', 'frobnicate', '--org', 'x'), scimd('audit', '--help')]);
    assert.deepEqual([missing.code, missing.stderr.split('\n')[0]], [2, 'scimd: missing --type']);
    assert.match(unknown.stderr, /unknown role subcommand "frobnicate"/);
    assert.equal(unknown.code, 2);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /export --org <orgId> --format csv\|json/);
  });
});
