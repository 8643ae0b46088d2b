import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSqliteStore } from '../../store/sqlite/store.ts';
import type { CliIo } from '../io.ts';
import { runCli } from '../main.ts';

const URN = 'urn:ietf:params:scim:schemas:extension:CustomExtensionName:2.0:User';

let dir: string;
let database: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'scimd-cli-schema-'));
  database = `sqlite:${join(dir, 'scimd.db')}`;
});
after(() => rmSync(dir, { recursive: true, force: true }));

async function cli(...args: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { out: (l) => out.push(l), err: (l) => err.push(l) };
  const fail = () => Promise.reject(new Error('not used'));
  const code = await runCli([...args, '--database-url', database], { io, start: fail, waitForSignal: fail });
  return { code, out, err };
}

function file(name: string, content: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

describe('scimd schema', () => {
  let org: string;
  before(async () => {
    org = (JSON.parse((await cli('org', 'create', '--name', 'Acme', '--json')).out.join('\n')) as { id: string }).id;
  });

  it('registers a definition from a file, then replaces it with the flags taking precedence', async () => {
    const path = file('entra.json', { id: URN, name: 'CustomExtensionName', attributes: [{ name: 'CustomAttribute', type: 'string' }] });
    const added = await cli('schema', 'add', '--org', org, '--file', path);
    assert.deepEqual([added.code, added.out], [0, [`Registered schema ${URN} for User (version 1, 1 attributes)`]]);
    const replaced = await cli('schema', 'add', '--org', org, '--file', path, '--required', '--json');
    assert.equal(replaced.code, 0, replaced.err.join('\n'));
    const view = JSON.parse(replaced.out.join('\n')) as { version: number; required: boolean; resourceType: string };
    assert.deepEqual([view.version, view.required, view.resourceType], [2, true, 'User']);
  });

  it('lists and shows schemas', async () => {
    const list = await cli('schema', 'list', '--org', org);
    assert.match(list.out[0] ?? '', /^ID +RESOURCETYPE +REQUIRED +ATTRIBUTES +VERSION +UPDATEDAT$/);
    assert.match(list.out[1] ?? '', new RegExp(`^${URN} +User +yes +1 +2 `));
    const json = JSON.parse((await cli('schema', 'list', '--org', org, '--json')).out.join('\n')) as { id: string }[];
    assert.deepEqual(json.map((s) => s.id), [URN]);
    const show = await cli('schema', 'show', '--org', org, URN);
    assert.equal(show.out[0], `${URN} (CustomExtensionName) extends User, required, version 2`);
    assert.match(show.out[2] ?? '', /^CustomAttribute +string +readWrite +default +no +no$/);
  });

  it('creates the expression index for eq filters on a string attribute, once', async () => {
    const made = await cli('schema', 'index', '--org', org, `${URN}:customattribute`);
    assert.equal(made.code, 0, made.err.join('\n'));
    assert.match(made.out[0] ?? '', new RegExp(`^Index users_ext_[0-9a-f]{12}_idx answers eq filters on ${URN}:CustomAttribute$`));
    assert.deepEqual((await cli('schema', 'index', '--org', org, `${URN}:CustomAttribute`)).out, made.out);
    const unknown = await cli('schema', 'index', '--org', org, `${URN}:nothing`);
    assert.deepEqual([unknown.code, unknown.err], [1, [`scimd: Schema "${URN}" has no attribute "nothing"`]]);
    assert.equal((await cli('schema', 'index', '--org', org, 'urn:example:none:attr')).code, 1);
  });

  it('names the field of a bad definition and refuses bad files and flags', async () => {
    const bad = await cli('schema', 'add', '--org', org, '--file', file('bad.json', { id: URN, attributes: [{ name: 'x', type: 'float' }] }));
    assert.equal(bad.code, 1);
    assert.match(bad.err[0] ?? '', /attributes\[0\]\.type must be one of/);
    assert.equal((await cli('schema', 'add', '--org', org, '--file', file('broken.json', '{'))).code, 1);
    assert.equal((await cli('schema', 'add', '--org', org, '--file', file('noid.json', { attributes: [] }))).code, 1);
    assert.equal((await cli('schema', 'add', '--org', org, '--file', file('ok.json', { id: URN, attributes: [] }), '--resource-type', 'Device')).code, 2);
    assert.equal((await cli('schema', 'frobnicate', '--org', org)).code, 2);
  });

  it('refuses to remove a schema users hold data under, and removes it and the data with --force', async () => {
    const store = createSqliteStore({ path: database.slice('sqlite:'.length), checkpoints: false });
    try {
      await store.users.create(org, { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', URN], userName: 'ada@acme.test', [URN]: { CustomAttribute: 'A' } });
    } finally {
      await store.close();
    }
    const refused = await cli('schema', 'remove', '--org', org, URN);
    assert.deepEqual([refused.code, refused.err], [1, [`scimd: 1 user(s) hold data under schema "${URN}"; removing it with force (?force=true, scimd schema remove --force) deletes that data too`]]);
    const forced = await cli('schema', 'remove', '--org', org, URN, '--force');
    assert.deepEqual(forced.out, [`Removed schema ${URN} and its data from 1 resource(s)`]);
    assert.deepEqual((await cli('schema', 'list', '--org', org)).out, ['(no extension schemas)']);
    const history = await cli('audit', 'list', '--org', org, '--json');
    const actions = (JSON.parse(history.out.join('\n')) as { events: { action: string }[] }).events.map((e) => e.action);
    assert.deepEqual(actions.slice(0, 4), ['schema.deleted', 'user.updated', 'schema.replaced', 'schema.created']);
  });
});
