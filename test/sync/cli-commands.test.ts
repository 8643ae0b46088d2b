/**
 * `scimd sync init` and `scimd sync test-connection` in process: the starter file parses as a job
 * once its token is set; test-connection reports the target's and the source's state.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { syncJobCommand } from '../../src/cli/commands/sync-jobs.ts';
import { parseSyncConfig } from '../../src/sync/config.ts';
import { startScimd, tempDir, USER_MAPPINGS, type ServedScimd } from './harness.ts';

function io() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) } };
}
const never = () => new Promise<string>(() => undefined);

describe('scimd sync init / test-connection', () => {
  let scimd: ServedScimd;
  let files: Awaited<ReturnType<typeof tempDir>>;
  before(async () => {
    scimd = await startScimd();
    files = await tempDir();
  });
  after(async () => {
    await scimd.close();
    await files.remove();
  });

  it('init writes a commented starter config with Entra defaults, and refuses to overwrite it', async () => {
    const path = join(files.dir, 'job.jsonc');
    const first = io();
    assert.equal(await syncJobCommand(['init', '--out', path, '--name', 'people'], first.io, never), 0);
    const text = await readFile(path, 'utf8');
    assert.match(text, /^\/\/ scimd sync job/);
    const job = parseSyncConfig(text, path, { SCIM_TOKEN: 't' });
    assert.equal(job.config.name, 'people');
    assert.equal(job.config.users.mappings.find((m) => m.matching === 1)?.target, 'userName');
    assert.ok(job.config.users.mappings.some((m) => m.target === 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber'));
    await assert.rejects(syncJobCommand(['init', '--out', path], io().io, never), /exists; pass --force/);
  });

  it('test-connection reports the target and the source', async () => {
    await files.write('users.csv', 'id,mail\n1,a@x.example\n');
    const config = { name: 'tc', source: { type: 'csv', path: 'users.csv', key: 'id' }, target: { url: scimd.url, token: scimd.token }, users: { mappings: USER_MAPPINGS } };
    await files.write('tc.json', JSON.stringify(config));
    const good = io();
    assert.equal(await syncJobCommand(['test-connection', '--config', join(files.dir, 'tc.json')], good.io, never), 0);
    assert.match(good.out[0]!, /^target: OK/);
    assert.equal(good.out[1], 'source: OK');
    await files.write('tc.json', JSON.stringify({ ...config, source: { ...config.source, path: 'missing.csv' }, target: { url: `${scimd.url}/nope`, token: 'bad' } }));
    const bad = io();
    assert.equal(await syncJobCommand(['test-connection', '--config', join(files.dir, 'tc.json'), '--json'], bad.io, never), 1);
    const report = JSON.parse(bad.out.join('\n'));
    assert.equal(report.target.ok, false);
    assert.equal(report.source.ok, false);
    assert.match(report.source.detail, /missing\.csv/);
  });
});
