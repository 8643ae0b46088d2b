/**
 * Provisioning logs end to end: `scimd sync run --once` against scimd over HTTP writes one entry
 * per object that was created, updated, disabled, skipped or failed (none for unchanged ones),
 * with before → after values; `scimd sync logs` filters and exports them; retention prunes.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { syncJobCommand } from '../../src/cli/commands/sync-jobs.ts';
import { syncOpsCommand } from '../../src/cli/commands/sync-ops.ts';
import type { SyncLogEntry } from '../../src/store/sync-state.ts';
import { createLogWriter, logEntryOf, logsToCsv } from '../../src/sync/logs.ts';
import { createSyncRunner } from '../../src/sync/runner.ts';
import { jobOf, startScimd, stateStore, tempDir, USER_MAPPINGS, type ServedScimd } from './harness.ts';

function io() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) } };
}
const never = () => new Promise<string>(() => undefined);
const HEADER = 'id,mail,givenName,surname,jobTitle,department,disabled\n';

describe('sync: provisioning logs', () => {
  let scimd: ServedScimd;
  let files: Awaited<ReturnType<typeof tempDir>>;
  let configPath: string;
  const db = () => ['--data-dir', join(files.dir, 'data')];
  const runOnce = async () => {
    const run = io();
    assert.equal(await syncJobCommand(['run', '--config', configPath, '--once', '--json', ...db()], run.io, never), 0, run.out.join('\n'));
    return JSON.parse(run.out[0]!) as { runId: string; failed: number; escrowed: number };
  };
  const logs = async (...flags: string[]) => {
    const out = io();
    assert.equal(await syncOpsCommand('logs', ['--config', configPath, ...db(), ...flags], out.io), 0);
    return out.out.join('\n');
  };
  const logsJson = async (...flags: string[]) => JSON.parse(await logs('--json', ...flags)) as SyncLogEntry[];

  before(async () => {
    scimd = await startScimd();
    files = await tempDir();
    const config = {
      name: 'logged',
      source: { type: 'csv', path: 'users.csv', key: 'id', softDeleted: { attribute: 'disabled' } },
      target: { url: scimd.url, token: scimd.token },
      users: { mappings: USER_MAPPINGS, scope: [[{ attribute: 'department', operator: 'NOT EQUALS', value: 'External' }]] },
    };
    configPath = await files.write('job.json', JSON.stringify(config));
  });
  after(async () => {
    await scimd.close();
    await files.remove();
  });

  it('logs creates, skips and failures of a cycle, and nothing for unchanged objects', async () => {
    await files.write('users.csv', `${HEADER}1,ann@corp.example,Ann,Arc,Engineer,R&D,false\n2,ben@corp.example,Ben,Bay,,External,false\n3,,Cy,Col,,Ops,false\n`);
    const first = await runOnce();
    assert.equal(first.failed, 1);
    const entries = await logsJson();
    assert.equal(entries.length, 3);
    assert.ok(entries.every((e) => e.runId === first.runId && e.job === 'logged'));
    const byKey = new Map(entries.map((e) => [e.sourceKey, e]));
    const ann = byKey.get('1')!;
    assert.deepEqual([ann.action, ann.status, ann.errorCode], ['Create', 'Success', null]);
    assert.ok(ann.targetId);
    assert.deepEqual(ann.modified.find((m) => m.name === 'userName'), { name: 'userName', after: 'ann@corp.example' });
    assert.deepEqual([byKey.get('2')?.action, byKey.get('2')?.status, byKey.get('2')?.errorCode], ['Other', 'Skipped', 'OUT_OF_SCOPE']);
    const cy = byKey.get('3')!;
    assert.deepEqual([cy.status, cy.errorCode], ['Failure', 'TARGET_OBJECT']);
    assert.match(cy.reason ?? '', /no value for any matching attribute/);

    // Right away, the failed object waits out its escrow back-off (not tried, not logged); Ann is
    // unchanged and not logged again.
    const again = await runOnce();
    assert.equal(again.escrowed, 1);
    const second = (await logsJson()).filter((e) => e.runId !== first.runId);
    assert.deepEqual(second.map((e) => e.sourceKey).sort(), ['2']);
  });

  it('logs updates and disables with before → after, filtered by status, action and identity', async () => {
    await files.write('users.csv', `${HEADER}1,ann@corp.example,Ann,Arc,Architect,R&D,false\n`);
    await runOnce();
    const updates = await logsJson('--action', 'update');
    assert.equal(updates.length, 1);
    assert.deepEqual(updates[0]?.modified, [{ name: 'title', before: 'Engineer', after: 'Architect' }]);
    await files.write('users.csv', `${HEADER}1,ann@corp.example,Ann,Arc,Architect,R&D,true\n`);
    await runOnce();
    const disabled = await logsJson('--action', 'disable', '--status', 'success');
    assert.equal(disabled.length, 1);
    assert.deepEqual(disabled[0]?.modified, [{ name: 'active', before: true, after: false }]);
    const annHistory = await logsJson('--user', '1');
    assert.deepEqual(annHistory.map((e) => e.action), ['Disable', 'Update', 'Create']);
    assert.deepEqual((await logsJson('--user', annHistory[0]!.targetId!)).length, 3, 'the target id finds the same entries');
    assert.equal((await logsJson('--status', 'failure')).every((e) => e.status === 'Failure'), true);
    assert.equal((await logsJson('--since', '2999-01-01T00:00:00Z')).length, 0);
    assert.ok((await logsJson('--since', '1h')).length >= 5);
    const table = await logs('--action', 'disable');
    assert.match(table, /\tDisable\tSuccess\t.*active: true → false/);
    assert.doesNotMatch(table, /Perform action/, 'the table shows steps only with --steps');
  });

  it('lists the steps of each entry under it with --steps, and always has them in JSON', async () => {
    const [disabled] = await logsJson('--action', 'disable');
    assert.deepEqual(disabled?.steps.map((s) => [s.name, s.status]), [
      ['Import user', 'success'],
      ['Determine if in scope', 'skipped'],
      ['Match user between source and target', 'success'],
      ['Perform action', 'success'],
    ]);
    assert.equal(disabled?.steps[1]?.description, 'In scope: the scoping filter holds; soft-deleted in the source (IsSoftDeleted = true)');
    const lines = (await logs('--action', 'disable', '--steps')).split('\n');
    assert.match(lines[0]!, /\tDisable\tSuccess\t/);
    assert.deepEqual(lines.slice(1).map((l) => l.replace(/:.*$/, '')), ['    1. Import user [success]', '    2. Determine if in scope [skipped]', '    3. Match user between source and target [success]', '    4. Perform action [success]']);
    assert.match(lines[4]!, /^ {4}4\. Perform action \[success\]: Disable target object \S+ {2}\{"action":"Disable","targetId":"[^"]+","changed":\["active"\]\}$/);
    const failed = (await logs('--status', 'failure', '--steps')).split('\n');
    assert.match(failed.at(-1)!, /3\. Match user between source and target \[failure\]: No value for any matching attribute \(userName\)/);
  });

  it('exports CSV with a header and quoted cells', async () => {
    const csv = await logs('--format', 'csv', '--action', 'update');
    const [header, row] = csv.split('\r\n');
    assert.equal(header, 'at,runId,objectType,sourceKey,targetId,action,status,errorCode,reason,modified,steps');
    assert.match(row!, /,User,1,[^,]+,Update,Success,,,"?title: Engineer → Architect"?,Import user: success — Read source object 1 \(changed since the last cycle\) \| Determine if in scope: success — In scope: the scoping filter holds \| Match user between source and target: success — Linked to target object \S+ by an earlier cycle \(state active\) \| Perform action: success — Update target object \S+$/);
    const quoted = logsToCsv([{ job: 'j', id: 'i', runId: 'r', at: 't', objectType: 'User', sourceKey: 'a,"b"', targetId: null, action: 'Other', status: 'Failure', reason: 'line\nbreak', errorCode: 'X', modified: [], steps: [] }]);
    assert.equal(quoted.split('\r\n')[1], 't,r,User,"a,""b""",,Other,Failure,X,"line\nbreak",,');
  });

  it('status shows the last completed cycle with its totals and the next run', async () => {
    const out = io();
    assert.equal(await syncOpsCommand('status', ['--config', configPath, ...db(), '--json'], out.io), 0);
    const report = JSON.parse(out.out.join('\n'));
    assert.equal(report.job, 'logged');
    assert.equal(report.current, null);
    assert.equal(report.lastCompleted.status, 'succeeded');
    assert.equal(report.lastCompleted.kind, 'incremental');
    assert.equal(report.lastCompleted.totals.disabled, 1);
    assert.deepEqual([report.nextRun.by, report.nextRun.intervalMinutes], ['cli', 40]);
    assert.ok(Math.abs(Date.parse(report.nextRun.at) - Date.parse(report.lastCompleted.endedAt) - 40 * 60_000) < 5000);
    assert.deepEqual([report.held, report.deletionApprovalPending, report.quarantine.active], [null, null, false]);
    const text = io();
    await syncOpsCommand('status', ['--config', configPath, ...db()], text.io);
    assert.match(text.out.join('\n'), /last completed cycle: incremental succeeded[\s\S]*1 disabled[\s\S]*next run: .* if "scimd sync run" keeps running \(every 40 min\)/);
  });

  it('rejects unknown filter values as usage errors', async () => {
    await assert.rejects(syncOpsCommand('logs', ['--config', configPath, ...db(), '--status', 'bogus'], io().io), /--status must be one of/);
    await assert.rejects(syncOpsCommand('logs', ['--config', configPath, ...db(), '--since', 'yesterday'], io().io), /--since/);
  });
});

describe('sync: log writer', () => {
  it('writes nothing for dry runs and unchanged objects, and prunes entries past the retention', async () => {
    assert.equal(logEntryOf('j', 'r', 't', { objectType: 'User', sourceKey: 'k', action: 'unchanged', status: 'success' }), undefined);
    assert.equal(logEntryOf('j', 'r', 't', { objectType: 'User', sourceKey: 'k', action: 'create', status: 'success', dryRun: true }), undefined);
    const state = await stateStore();
    try {
      let now = new Date('2026-01-01T00:00:00Z');
      const writer = (runId: string) => createLogWriter({ store: state.store.syncLogs, job: 'j', runId, retentionDays: 7, clock: () => now, batch: 2 });
      const first = writer('r1');
      for (let i = 0; i < 5; i += 1) first.record({ objectType: 'User', sourceKey: `k${i}`, action: 'create', status: 'success' });
      await first.finish();
      assert.equal((await state.store.syncLogs.query({ job: 'j', limit: 100 })).length, 5);
      now = new Date('2026-01-09T00:00:00Z');
      const second = writer('r2');
      second.record({ objectType: 'User', sourceKey: 'k0', action: 'disable', status: 'success' });
      await second.finish();
      assert.deepEqual((await state.store.syncLogs.query({ job: 'j', limit: 100 })).map((e) => e.runId), ['r2']);
    } finally {
      await state.close();
    }
  });

  it('a dry run through the runner writes no logs', async () => {
    const scimd = await startScimd();
    const state = await stateStore();
    const files = await tempDir();
    try {
      await files.write('users.csv', `${HEADER}1,dry@corp.example,D,R,,R&D,false\n`);
      const job = jobOf({ name: 'dry', source: { type: 'csv', path: 'users.csv', key: 'id' }, target: { url: scimd.url, token: scimd.token }, users: { mappings: USER_MAPPINGS } }, files.dir);
      const runner = createSyncRunner(job, { state: state.store.syncState, logs: state.store.syncLogs });
      assert.equal((await runner.cycle({ dryRun: true })).created, 1);
      assert.equal((await state.store.syncLogs.query({ job: 'dry', limit: 10 })).length, 0);
      await runner.close();
    } finally {
      await scimd.close();
      await state.close();
      await files.remove();
    }
  });
});
