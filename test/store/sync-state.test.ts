/** The sync state sub-store on every dialect: links, watermarks, runs and stored jobs. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { SqlStore } from '../../src/store/sql/sql-store.ts';
import { testDialects } from './harness.ts';

for (const dialect of await testDialects()) {
  describe(`sync state (${dialect.name})`, () => {
    let store: SqlStore;
    before(async () => {
      store = await dialect.open();
    });
    after(async () => dialect.close(store));

    it('upserts and reads links with their exported values and members', async () => {
      const base = { job: 'j', objectType: 'User' as const, state: 'active' as const, sourceHash: 'h', members: null, lastError: null };
      await store.syncState.saveLinks(Array.from({ length: 450 }, (_, i) => ({ ...base, sourceKey: `k${i}`, targetId: `t${i}`, exported: { userName: `u${i}`, active: true } })));
      await store.syncState.saveLinks([{ ...base, sourceKey: 'k1', targetId: 't1', state: 'disabled', exported: { userName: 'u1', active: false }, lastError: 'boom' }]);
      await store.syncState.saveLinks([{ ...base, objectType: 'Group', sourceKey: 'g', targetId: 'tg', exported: {}, members: ['t1', 't2'] }]);
      const links = await store.syncState.links('j', 'User');
      assert.equal(links.length, 450);
      const k1 = links.find((l) => l.sourceKey === 'k1');
      assert.deepEqual([k1?.state, k1?.exported, k1?.lastError], ['disabled', { userName: 'u1', active: false }, 'boom']);
      assert.deepEqual((await store.syncState.links('j', 'Group'))[0]?.members, ['t1', 't2']);
      await store.syncState.deleteLinks('j', 'User', ['k1', 'k2']);
      assert.equal((await store.syncState.links('j', 'User')).length, 448);
      assert.equal((await store.syncState.links('other', 'User')).length, 0);
    });

    it('keeps one watermark per job and type', async () => {
      assert.equal(await store.syncState.watermark('j', 'User'), undefined);
      await store.syncState.setWatermark('j', 'User', { value: 'w1', fingerprint: 'f' });
      await store.syncState.setWatermark('j', 'User', { value: '20260101000000Z', fingerprint: 'f2' });
      assert.deepEqual(await store.syncState.watermark('j', 'User'), { value: '20260101000000Z', fingerprint: 'f2' });
    });

    it('records runs, newest first', async () => {
      await store.syncState.startRun({ job: 'j', id: 'r1', kind: 'initial' });
      await store.syncState.finishRun('j', 'r1', { status: 'succeeded', summary: { created: 3 } });
      await store.syncState.startRun({ job: 'j', id: 'r2', kind: 'incremental' });
      const runs = await store.syncState.runs('j', 10);
      assert.deepEqual(runs.map((r) => [r.id, r.status]), [['r2', 'running'], ['r1', 'succeeded']]);
      assert.deepEqual(runs[1]?.summary, { created: 3 });
    });

    it('stores jobs and lists the due ones', async () => {
      const org = await store.organizations.create({ name: 'Acme', slug: `acme-${dialect.name}` });
      await store.syncState.putJob({ orgId: org.id, name: 'a', config: { text: '{}', path: '/x' }, enabled: true, intervalMinutes: 40, nextRunAt: '2026-01-01T00:00:00.000Z' });
      await store.syncState.putJob({ orgId: org.id, name: 'b', config: {}, enabled: false, intervalMinutes: 40, nextRunAt: '2026-01-01T00:00:00.000Z' });
      await store.syncState.putJob({ orgId: org.id, name: 'a', config: { text: '{"x":1}', path: '/x' }, enabled: true, intervalMinutes: 10, nextRunAt: '2026-01-01T00:00:00.000Z' });
      const due = await store.syncState.dueJobs('2026-01-01T00:00:00.000Z', 10);
      assert.deepEqual(due.map((j) => [j.name, j.intervalMinutes]), [['a', 10]]);
      assert.deepEqual(due[0]?.config, { text: '{"x":1}', path: '/x' });
      await store.syncState.setNextRun('a', '2026-01-01T00:10:00.000Z');
      assert.equal((await store.syncState.dueJobs('2026-01-01T00:05:00.000Z', 10)).length, 0);
      assert.equal(await store.syncState.deleteJob('b'), true);
      assert.deepEqual((await store.syncState.listJobs()).map((j) => j.name), ['a']);
    });

    it('keeps one deletion approval per job until it is cleared', async () => {
      assert.equal(await store.syncState.deletionApproval('held'), undefined);
      await store.syncState.approveDeletions('held');
      await store.syncState.approveDeletions('held');
      assert.match((await store.syncState.deletionApproval('held')) ?? '', /^\d{4}-/);
      assert.equal(await store.syncState.deletionApproval('other'), undefined);
      await store.syncState.clearDeletionApproval('held');
      assert.equal(await store.syncState.deletionApproval('held'), undefined);
    });

    it('appends provisioning logs, queries them by status, action, identity and time, and prunes old ones', async () => {
      const base = { job: 'logs', runId: 'r1', objectType: 'User' as const, targetId: null, reason: null, errorCode: null, modified: [], steps: [] };
      await store.syncLogs.append([
        { ...base, id: 'a', at: '2026-01-01T00:00:00.000Z', sourceKey: 'k1', targetId: 't1', action: 'Create', status: 'Success', modified: [{ name: 'userName', after: 'u1' }] },
        { ...base, id: 'b', at: '2026-01-02T00:00:00.000Z', sourceKey: 'k2', action: 'Other', status: 'Failure', reason: 'boom', errorCode: 'SCIM_400' },
        { ...base, id: 'c', runId: 'r2', at: '2026-01-03T00:00:00.000Z', sourceKey: 'k1', targetId: 't1', action: 'Disable', status: 'Success', modified: [{ name: 'active', before: true, after: false }], steps: [{ name: 'Perform action', status: 'success', description: 'Disable target object t1 — "quoted", ünïcode', details: { action: 'Disable', changed: ['active'] } }] },
        ...Array.from({ length: 250 }, (_, i) => ({ ...base, job: 'other', id: `o${i}`, at: '2026-01-01T00:00:00.000Z', sourceKey: `x${i}`, action: 'Update' as const, status: 'Success' as const })),
      ]);
      const all = await store.syncLogs.query({ job: 'logs', limit: 10 });
      assert.deepEqual(all.map((e) => e.id), ['c', 'b', 'a']);
      assert.deepEqual(all[0]?.modified, [{ name: 'active', before: true, after: false }]);
      assert.deepEqual(all[0]?.steps, [{ name: 'Perform action', status: 'success', description: 'Disable target object t1 — "quoted", ünïcode', details: { action: 'Disable', changed: ['active'] } }]);
      assert.deepEqual(all[1]?.steps, [], 'an entry without steps reads back with none');
      assert.deepEqual((await store.syncLogs.query({ job: 'logs', status: 'Failure', limit: 10 })).map((e) => [e.id, e.errorCode, e.reason]), [['b', 'SCIM_400', 'boom']]);
      assert.deepEqual((await store.syncLogs.query({ job: 'logs', action: 'Disable', limit: 10 })).map((e) => e.id), ['c']);
      assert.deepEqual((await store.syncLogs.query({ job: 'logs', identity: 't1', limit: 10 })).map((e) => e.id), ['c', 'a']);
      assert.deepEqual((await store.syncLogs.query({ job: 'logs', since: '2026-01-02T00:00:00.000Z', limit: 10 })).map((e) => e.id), ['c', 'b']);
      assert.deepEqual((await store.syncLogs.query({ job: 'logs', runId: 'r2', limit: 10 })).map((e) => e.id), ['c']);
      assert.equal((await store.syncLogs.query({ job: 'other', limit: 1000 })).length, 250);
      assert.deepEqual(await store.syncLogs.counts('logs', 'r1'), [{ action: 'Create', status: 'Success', count: 1 }, { action: 'Other', status: 'Failure', count: 1 }]);
      assert.equal(await store.syncLogs.prune('logs', '2026-01-03T00:00:00.000Z'), 2);
      assert.deepEqual((await store.syncLogs.query({ job: 'logs', limit: 10 })).map((e) => e.id), ['c']);
    });
  });
}
