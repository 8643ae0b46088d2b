import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../config.ts';
import type { CliIo } from '../io.ts';
import { runCli } from '../main.ts';
import { renderRecord, renderTable } from '../table.ts';
import { tenantUrlOf } from './admin.ts';

interface Captured {
  readonly code: number;
  readonly out: string[];
  readonly err: string[];
}

let dir: string;
let database: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'scimd-cli-'));
  database = `sqlite:${join(dir, 'scimd.db')}`;
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the CLI in-process on the test database, capturing its lines. */
async function cli(...args: string[]): Promise<Captured> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { out: (l) => out.push(l), err: (l) => err.push(l) };
  const fail = () => Promise.reject(new Error('not used'));
  const code = await runCli([...args, '--database-url', database], { io, start: fail, waitForSignal: fail });
  return { code, out, err };
}

const idOf = (result: Captured): string => (JSON.parse(result.out.join('\n')) as { id: string }).id;

describe('admin command output helpers', () => {
  it('aligns table columns, shows missing values as a dash and booleans as yes/no', () => {
    const rows = [{ a: 'x', b: null, c: true }, { a: 'longer', b: 'multi\nline', c: false }];
    const lines = renderTable(rows, [{ header: 'a', value: (r) => r.a }, { header: 'b', value: (r) => r.b }, { header: 'c', value: (r) => r.c }]);
    assert.deepEqual(lines, ['A       B           C', 'x       -           yes', 'longer  multi line  no']);
    assert.deepEqual(renderTable([], [{ header: 'a', value: () => 1 }], '(no keys)'), ['(no keys)']);
    assert.deepEqual(renderRecord([['Name', 'Acme'], ['Slug', undefined]]), ['Name: Acme', 'Slug: -']);
  });

  it('shows the Tenant URL from PUBLIC_URL, or from HOST and PORT', () => {
    assert.equal(tenantUrlOf(loadConfig({ PUBLIC_URL: 'https://scim.example.com/' })), 'https://scim.example.com/scim/v2');
    assert.equal(tenantUrlOf(loadConfig({ HOST: '0.0.0.0', PORT: '9000' })), 'http://localhost:9000/scim/v2');
    assert.equal(tenantUrlOf(loadConfig({ HOST: '::1' })), 'http://[::1]:8080/scim/v2');
  });
});

describe('help', () => {
  it('answers "scimd help key" with the same text as "scimd key --help"', async () => {
    const viaHelp = await cli('help', 'key');
    const viaFlag = await cli('key', '--help');
    assert.equal(viaHelp.code, 0);
    assert.deepEqual(viaHelp.out, viaFlag.out);
    assert.match(viaHelp.out[0] ?? '', /^Usage: scimd key <subcommand>/);
    assert.deepEqual((await cli('help', 'setup-link')).out, (await cli('setup-link', '--help')).out);
    assert.equal((await cli('help', 'nonsense')).code, 2);
  });

  it('aligns every command\'s description in the usage table, setup-link included', async () => {
    const usage = (await cli('--help')).out.join('\n').split('\n');
    const rows = usage.slice(usage.indexOf('Commands:') + 1).filter((l) => /^ {2}[a-z]/.test(l));
    assert.ok(rows.some((l) => l.startsWith('  setup-link ')));
    const columns = new Set(rows.map((l) => /^ {2}\S+ +/.exec(l)![0].length));
    assert.equal(columns.size, 1, rows.join('\n'));
  });
});

describe('admin commands in-process', () => {
  let orgId: string;
  before(async () => {
    assert.deepEqual((await cli('org', 'list')).out, ['(no organizations)']);
    orgId = idOf(await cli('org', 'create', '--name', 'Globex', '--json'));
  });

  it('changes policies with flags and prints them, refusing bad values with the detail', async () => {
    const set = await cli('org', 'policy', orgId, '--allowed-domains', 'globex.com, *.globex.com', '--user-name-immutable', 'on', '--profile', 'strict');
    assert.equal(set.code, 0, set.err.join('\n'));
    assert.ok(set.out.includes('Allowed domains:         globex.com, *.globex.com'));
    assert.ok(set.out.includes('Compatibility profile:   strict'));
    const cleared = await cli('org', 'policy', orgId, '--allowed-domains', 'none', '--json');
    assert.deepEqual((JSON.parse(cleared.out.join('\n')) as { allowedDomains: string[] }).allowedDomains, []);
    const bad = await cli('org', 'policy', orgId, '--allowed-domains', 'not a domain');
    assert.deepEqual([bad.code, bad.err], [1, ['scimd: allowedDomains entry "not a domain" is not a domain (e.g. contoso.com or *.contoso.com)']]);
    const role = await cli('org', 'policy', orgId, '--default-role', 'Nobody');
    assert.match(role.err[0] ?? '', /defaultRole "Nobody" is not a role/);
    assert.equal((await cli('org', 'policy', orgId, '--user-name-email', 'maybe')).code, 2);
  });

  it('creates an organization with a policy preset, and refuses an unknown preset', async () => {
    const open = JSON.parse((await cli('org', 'create', '--name', 'Open', '--json')).out.join('\n')) as { policies: Record<string, unknown> };
    assert.equal(open.policies['userNameMustBeEmail'], false);
    const created = await cli('org', 'create', '--name', 'Initech', '--preset', 'email-identity');
    assert.equal(created.code, 0, created.err.join('\n'));
    for (const rule of ['userName must be e-mail', 'userType must name role', 'userName immutable', 'Derive displayName']) {
      assert.ok(created.out.some((line) => new RegExp(`^${rule}: +on$`).test(line)), `${rule} in ${created.out.join('\n')}`);
    }
    const typo = await cli('org', 'create', '--name', 'Typo', '--preset', 'email');
    assert.deepEqual([typo.code, typo.err], [1, ['scimd: preset must be one of "rfc-open", "email-identity", not "email"']]);
    const switched = await cli('org', 'policy', orgId, '--preset', 'email-identity', '--user-name-immutable', 'off', '--json');
    const view = JSON.parse(switched.out.join('\n')) as Record<string, unknown>;
    assert.deepEqual([view['userNameMustBeEmail'], view['userNameImmutable'], view['userTypeMustNameRole']], [true, false, true]);
    await cli('org', 'policy', orgId, '--preset', 'rfc-open');
  });

  it('renames the organization and manages custom roles by name', async () => {
    assert.deepEqual((await cli('org', 'rename', orgId, '--name', 'Globex Corp')).out, [`Renamed ${orgId} to "Globex Corp"`]);
    assert.deepEqual((await cli('role', 'create', '--org', orgId, '--name', 'Auditor')).code, 0);
    assert.deepEqual((await cli('role', 'rename', '--org', orgId, 'Auditor', '--name', 'Auditors')).out, ['Renamed role "Auditor" to "Auditors"']);
    const list = await cli('role', 'list', '--org', orgId);
    assert.match(list.out.find((l) => l.startsWith('Auditors')) ?? '', /^Auditors +custom +0 /);
    assert.deepEqual((await cli('role', 'delete', '--org', orgId, 'Auditors')).out, ['Deleted role "Auditors"']);
    const predefined = await cli('role', 'delete', '--org', orgId, 'Admin');
    assert.deepEqual([predefined.code, predefined.err], [1, ['scimd: "Admin" is a predefined role and cannot be deleted']]);
    assert.deepEqual((await cli('role', 'members', '--org', orgId)).out, ['(no members)']);
  });

  it('says a key was already revoked and exits 1 on a second revoke', async () => {
    const quiet = await cli('org', 'create', '--name', 'Initech', '--quiet');
    assert.equal(quiet.out.length, 1, '--quiet prints the id alone, for ORG=$(scimd org create … --quiet)');
    const other = quiet.out[0]!;
    assert.match(other, /^[0-9a-f-]{36}$/);
    const key = JSON.parse((await cli('key', 'create', '--org', other, '--type', 'api', '--description', 'Twice', '--json')).out.join('\n')) as { id: string };
    const first = await cli('key', 'revoke', key.id);
    assert.equal(first.code, 0);
    assert.match(first.out[0] ?? '', /^Revoked key /);
    const second = await cli('key', 'revoke', key.id);
    assert.equal(second.code, 1);
    assert.match(second.err[0] ?? '', new RegExp(`^scimd: API key ${key.id} \\(Twice\\) was already revoked at \\d{4}-`));
  });

  it('shows activity totals and only the hours that had any, or every hour with --all', async () => {
    const quiet = await cli('org', 'activity', orgId);
    assert.equal(quiet.code, 0, quiet.err.join('\n'));
    assert.match(quiet.out[0] ?? '', /^Activity from \S+ to \S+: 0 creates, 0 updates, 0 deactivations, 0 deletes, 0 errors$/);
    assert.equal(quiet.out[1], 'Last successful SCIM request: never');
    assert.equal(quiet.out[2], '(no activity in these 24 hours)');
    const all = await cli('org', 'activity', orgId, '--all');
    assert.equal(all.out.filter((l) => /^\d{4}-\d\d-\d\dT\d\d:00 +0 +0 +0 +0 +0$/.test(l)).length, 24);
  });

  it('pages the history with a cursor hint and exports it without a streaming writer', async () => {
    const page = await cli('audit', 'list', '--org', orgId, '--limit', '2');
    assert.equal(page.out.length, 4, page.out.join('\n'));
    assert.match(page.out[0]!, /^TIME +ACTOR +ACTION +RESOURCE +REQUEST +SOURCE IP$/);
    assert.match(page.out[3]!, /^More: --cursor \S+$/);
    const next = await cli('audit', 'list', '--org', orgId, '--limit', '2', '--cursor', page.out[3]!.slice('More: --cursor '.length), '--json');
    assert.equal((JSON.parse(next.out.join('\n')) as { events: unknown[] }).events.length, 2);
    const csv = await cli('audit', 'export', '--org', orgId, '--format', 'csv', '--action', 'role.renamed');
    assert.equal(csv.out.length, 2);
    assert.match(csv.out[1]!, /,admin,,scimd CLI \(.+\),role\.renamed,Role,/);
  });

  it('refuses unknown keys, subcommands, formats and a prune without a period', async () => {
    const revoke = await cli('key', 'revoke', 'no-such-key');
    assert.deepEqual([revoke.code, revoke.err], [1, ['scimd: API key "no-such-key" not found']]);
    const keys = await cli('key', 'list', '--org', orgId);
    assert.deepEqual(keys.out, ['(no keys)']);
    const expired = await cli('key', 'create', '--org', orgId, '--type', 'scim', '--description', 'Old', '--expires', '2001-01-01');
    assert.deepEqual([expired.code, expired.err], [1, ['scimd: --expires "2001-01-01" is in the past']]);
    const garbled = await cli('key', 'create', '--org', orgId, '--type', 'scim', '--description', 'Odd', '--expires', 'soon');
    assert.match(garbled.err[0] ?? '', /^scimd: --expires "soon" is not an ISO 8601 date/);
    for (const args of [['org', 'frobnicate'], ['audit', 'export', '--org', orgId, '--format', 'xml'], ['audit', 'prune'], ['org', 'scim', 'maybe', orgId]]) {
      const result = await cli(...args);
      assert.equal(result.code, 2, `${args.join(' ')}: ${result.err.join('\n')}`);
      assert.match(result.err.at(-1) ?? '', /Run "scimd --help" for usage/);
    }
    const prune = await cli('audit', 'prune', '--days', '3650');
    assert.equal(prune.code, 0);
    assert.match(prune.out[0] ?? '', /^Deleted 0 event\(s\) older than \d{4}-\d{2}-\d{2}T/);
  });
});
