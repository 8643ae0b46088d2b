/**
 * `scimd sync run` as a user runs it, against a scimd served on a socket: `--once --json` ends
 * with the summary line; Ctrl-C (SIGINT) stops after the objects in flight; kill -9 in the middle
 * of an initial cycle and a second run leave every user exactly once in the target.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startScimd, USER_MAPPINGS, type ServedScimd } from '../sync/harness.ts';
import { BIN, runScimd, tempDir } from './process.ts';

describe('scimd sync run', () => {
  let scimd: ServedScimd;
  let dir: ReturnType<typeof tempDir>;
  let env: Record<string, string>;
  const userNames = async () => {
    const names: string[] = [];
    for (let start = 1; ; start += 200) {
      const page = (await scimd.harness.call('GET', `/Users?startIndex=${start}&count=200`)).json.Resources as { userName: string }[];
      names.push(...page.map((u) => u.userName));
      if (page.length < 200) return names;
    }
  };

  before(async () => {
    scimd = await startScimd();
    dir = tempDir();
    env = { DATA_DIR: join(dir.path, 'data'), TARGET_TOKEN: scimd.token };
    const rows = Array.from({ length: 300 }, (_, i) => `${i},user${i}@corp.example,Given${i},Family${i},,R&D,false`).join('\n');
    writeFileSync(join(dir.path, 'users.csv'), `id,mail,givenName,surname,jobTitle,department,disabled\n${rows}\n`);
    const config = {
      name: 'cli-job',
      source: { type: 'csv', path: 'users.csv', key: 'id' },
      target: { url: scimd.url, token: 'env:TARGET_TOKEN', concurrency: 2 },
      users: { mappings: USER_MAPPINGS },
    };
    writeFileSync(join(dir.path, 'job.jsonc'), `// a test job\n${JSON.stringify(config, null, 2)}\n`);
  });
  after(async () => {
    await scimd.close();
    dir.remove();
  });

  it('survives kill -9 in the middle of a cycle: the next run creates the rest, no duplicates', async () => {
    const child = spawn(process.execPath, [BIN, 'sync', 'run', '--config', join(dir.path, 'job.jsonc'), '--once', '--json'], { env: { PATH: process.env['PATH'] ?? '', ...env }, stdio: 'ignore' });
    const exited = new Promise((resolve) => child.on('exit', resolve));
    for (let i = 0; i < 400 && (await userNames()).length < 40; i += 1) await new Promise((r) => setTimeout(r, 25));
    child.kill('SIGKILL');
    await exited;
    const halfway = (await userNames()).length;
    assert.ok(halfway >= 40 && halfway < 300, `created ${halfway} before the kill`);
    const second = await runScimd(['sync', 'run', '--config', join(dir.path, 'job.jsonc'), '--once', '--json'], env, 120_000);
    assert.equal(second.code, 0, second.stderr);
    const summary = JSON.parse(second.stdout.trim().split('\n').at(-1)!);
    assert.equal(summary.status, 'succeeded');
    assert.equal(summary.created + summary.linked, 300 - halfway + summary.linked);
    const names = await userNames();
    assert.equal(names.length, 300);
    assert.equal(new Set(names).size, 300);
  });

  it('prints a readable summary without --json and sends nothing when nothing changed', async () => {
    const result = await runScimd(['sync', 'run', '--config', join(dir.path, 'job.jsonc'), '--once'], env);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /incremental cycle of "cli-job" succeeded/);
    assert.match(result.stdout, /0 requests sent/);
  });

  it('stops the schedule on SIGINT after the objects in flight and reports the cycle as interrupted', async () => {
    const rows = Array.from({ length: 300 }, (_, i) => `${i},user${i}@corp.example,Given${i},Family${i},Changed,R&D,false`).join('\n');
    writeFileSync(join(dir.path, 'users.csv'), `id,mail,givenName,surname,jobTitle,department,disabled\n${rows}\n`);
    const child = spawn(process.execPath, [BIN, 'sync', 'run', '--config', join(dir.path, 'job.jsonc'), '--json'], { env: { PATH: process.env['PATH'] ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    const titled = async () => ((await scimd.harness.call('GET', '/Users?filter=title%20eq%20%22Changed%22&count=1')).json.totalResults as number);
    for (let i = 0; i < 400 && (await titled()) < 10; i += 1) await new Promise((r) => setTimeout(r, 25));
    child.kill('SIGINT');
    const code = await exited;
    const summary = JSON.parse(stdout.trim().split('\n').at(-1)!);
    assert.ok(summary.status === 'interrupted' || summary.status === 'succeeded', stdout);
    assert.equal(code, 0, 'stopping the schedule with Ctrl-C is a normal exit');
    assert.ok((await titled()) < 300 || summary.status === 'succeeded');
  });
});
