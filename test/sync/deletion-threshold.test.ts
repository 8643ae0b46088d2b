/**
 * The accidental-deletion threshold: a CSV emptied by mistake must not deactivate everyone. The
 * cycle stops before writing, records a `blocked` run and a Warning log entry, and goes on only
 * after `scimd sync approve-deletions`; the approval is spent by that cycle.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { syncJobCommand } from '../../src/cli/commands/sync-jobs.ts';
import { withAdmin } from '../../src/cli/commands/admin.ts';
import { syncOpsCommand } from '../../src/cli/commands/sync-ops.ts';
import { SYNC_DELETIONS_HELD } from '../../src/services/sync-notices.ts';
import type { SyncLogEntry } from '../../src/store/sync-state.ts';
import { startScimd, tempDir, USER_MAPPINGS, type ServedScimd } from './harness.ts';

function io() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) } };
}
const never = () => new Promise<string>(() => undefined);
const HEADER = 'id,mail,givenName,surname,jobTitle,department,disabled\n';
const rows = (n: number) => Array.from({ length: n }, (_, i) => `${i + 1},u${i + 1}@corp.example,U,${i + 1},,R&D,false\n`).join('');

describe('sync: accidental-deletion threshold', () => {
  let scimd: ServedScimd;
  let files: Awaited<ReturnType<typeof tempDir>>;
  let configPath: string;
  const db = () => ['--data-dir', join(files.dir, 'data')];
  const run = async () => {
    const out = io();
    const code = await syncJobCommand(['run', '--config', configPath, '--once', '--json', ...db()], out.io, never);
    return { code, summary: JSON.parse(out.out[0]!), err: out.err.join('\n') };
  };
  const activeUsers = async () => ((await scimd.harness.call('GET', '/Users?count=100')).json.Resources as { active: boolean }[]).filter((u) => u.active).length;

  before(async () => {
    scimd = await startScimd();
    files = await tempDir();
    const config = { name: 'guarded', source: { type: 'csv', path: 'users.csv', key: 'id' }, target: { url: scimd.url, token: scimd.token }, users: { mappings: USER_MAPPINGS }, deletionThreshold: 3 };
    configPath = await files.write('job.json', JSON.stringify(config));
  });
  after(async () => {
    await scimd.close();
    await files.remove();
  });

  it('provisions ten users, then holds a cycle whose CSV was emptied', async () => {
    await files.write('users.csv', HEADER + rows(10));
    assert.equal((await run()).summary.created, 10);
    assert.equal(await activeUsers(), 10);

    await files.write('users.csv', HEADER);
    const held = await run();
    assert.equal(held.code, 1);
    assert.equal(held.summary.status, 'blocked');
    assert.deepEqual(held.summary.heldDeletions, { objectType: 'User', count: 10, threshold: 3 });
    assert.equal(held.summary.disabled, 0);
    assert.match(held.err, /held: the cycle would disable or delete 10 users, more than the deletion threshold of 3/);
    assert.equal(await activeUsers(), 10, 'nobody was deactivated');

    // Held again on the next cycle: it waits for the approval.
    assert.equal((await run()).summary.status, 'blocked');
    const runsOut = io();
    await syncJobCommand(['runs', 'guarded', '--json', ...db()], runsOut.io, never);
    assert.equal(JSON.parse(runsOut.out.join('\n'))[0].status, 'blocked');
    const statusOut = io();
    await syncOpsCommand('status', ['--config', configPath, ...db(), '--json'], statusOut.io);
    const status = JSON.parse(statusOut.out.join('\n'));
    assert.equal(status.lastCompleted.status, 'blocked');
    assert.match(status.held.reason, /deletion threshold of 3/);
    const logsOut = io();
    await syncOpsCommand('logs', ['--config', configPath, ...db(), '--status', 'warning', '--json'], logsOut.io);
    const warnings = JSON.parse(logsOut.out.join('\n')) as SyncLogEntry[];
    assert.equal(warnings.length, 2);
    assert.equal(warnings[0]?.errorCode, 'DELETION_THRESHOLD');
  });

  it('a change below the threshold goes through without approval', async () => {
    await files.write('users.csv', HEADER + rows(8));
    const small = await run();
    assert.equal(small.summary.status, 'succeeded');
    assert.equal(small.summary.disabled, 2);
    assert.equal(await activeUsers(), 8);
  });

  it('after approve-deletions the next cycle proceeds, once', async () => {
    await files.write('users.csv', HEADER);
    assert.equal((await run()).summary.status, 'blocked');
    const approve = io();
    assert.equal(await syncOpsCommand('approve-deletions', ['--config', configPath, ...db()], approve.io), 0);
    assert.match(approve.out[0]!, /approved: the next cycle of "guarded".*was held/);
    const pending = io();
    await syncOpsCommand('status', ['--config', configPath, ...db()], pending.io);
    assert.match(pending.out.join('\n'), /ON HOLD since[\s\S]*deletions approved at/);
    const approved = await run();
    assert.equal(approved.summary.status, 'succeeded');
    assert.equal(approved.summary.disabled, 8);
    assert.equal(await activeUsers(), 0);
    // The approval is spent: re-adding and emptying again is held again.
    await files.write('users.csv', HEADER + rows(10));
    assert.equal((await run()).summary.status, 'succeeded');
    assert.equal(await activeUsers(), 10, 'users back in the source are reactivated');
    await files.write('users.csv', HEADER);
    assert.equal((await run()).summary.status, 'blocked');
  });

  it('a held CLI run of a job stored in an organization mails its notification addresses', async () => {
    const org = await withAdmin({ 'data-dir': join(files.dir, 'data') }, (session) =>
      session.store.organizations.create({ name: 'Guard', slug: 'guard', settings: { notificationEmails: ['it@guard.example'] } }),
    );
    const put = io();
    assert.equal(await syncJobCommand(['job', 'put', '--config', configPath, '--org', org.id, '--disabled', ...db()], put.io, never), 0);
    const held = await run();
    assert.equal(held.summary.status, 'blocked');
    const mails = await withAdmin({ 'data-dir': join(files.dir, 'data') }, (session) => session.store.mailLog.list(org.id, { limit: 10 }));
    assert.deepEqual(mails.map((m) => [m.kind, m.recipients, m.status]), [[SYNC_DELETIONS_HELD, ['it@guard.example'], 'logged']]);
  });
});
