/**
 * The escrow and health part of the sync state on every dialect (SQLite, and PostgreSQL when it
 * is reachable): failures and retry time on links, the health row with its progress, enabling a
 * stored job, and restart's reset that keeps links.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { SqlStore } from '../../src/store/sql/sql-store.ts';
import { testDialects } from '../store/harness.ts';

for (const dialect of await testDialects()) {
  describe(`sync health state on ${dialect.name}`, () => {
    let store: SqlStore;
    before(async () => {
      store = await dialect.open({});
    });
    after(() => dialect.close(store));

    it('stores escrow on links and clears it, with the link, on reset', async () => {
      const state = store.syncState;
      await state.saveLinks([{ job: 'h', objectType: 'User', sourceKey: '1', targetId: 't1', state: 'active', sourceHash: null, exported: { a: 1 }, members: null, lastError: 'boom', failures: 3, retryAt: '2026-01-01T02:00:00.000Z' }]);
      let link = (await state.links('h', 'User'))[0]!;
      assert.deepEqual([link.failures, link.retryAt, link.lastError], [3, '2026-01-01T02:00:00.000Z', 'boom']);
      await state.setWatermark('h', 'User', { value: 'w', fingerprint: 'f' });
      await state.approveDeletions('h');
      await state.saveHealth({ job: 'h', quarantineReason: 'r', quarantineCode: 'TARGET_AUTH', quarantinedAt: '2026-01-01T00:00:00.000Z', quarantineStep: 2, notifiedCode: 'TARGET_AUTH', failureMailAt: null, disabledAt: null, nextRunAt: '2026-01-01T06:00:00.000Z' });
      await state.setProgress('h', { runId: 'r1', kind: 'initial', objectType: 'User', done: 200, total: 1000, at: '2026-01-01T00:00:01.000Z' });
      const health = await state.health('h');
      assert.deepEqual([health?.quarantineStep, health?.nextRunAt, health?.progress?.done], [2, '2026-01-01T06:00:00.000Z', 200]);
      await state.saveHealth({ ...health!, quarantineStep: 3 });
      assert.equal((await state.health('h'))?.progress?.total, 1000, 'saveHealth leaves the progress alone');
      await state.setProgress('h', null);
      assert.equal((await state.health('h'))?.progress, null);

      await state.resetJob('h');
      link = (await state.links('h', 'User'))[0]!;
      assert.deepEqual([link.targetId, link.failures, link.retryAt, link.lastError, link.sourceHash], ['t1', 0, null, null, null]);
      assert.equal(await state.watermark('h', 'User'), undefined);
      assert.equal(await state.health('h'), undefined);
      assert.equal(await state.deletionApproval('h'), undefined);
    });

    it('keeps what the last failure and hold mails were about, and when', async () => {
      const mails = { failureMailAt: '2026-01-01T01:00:00.000Z', failureMailCode: 'OBJECTS', heldMailAt: '2026-01-01T02:00:00.000Z', heldMailCode: 'DELETION_THRESHOLD_USER' };
      await store.syncState.saveHealth({ job: 'm', quarantineReason: null, quarantineCode: null, quarantinedAt: null, quarantineStep: 0, notifiedCode: null, disabledAt: null, nextRunAt: null, ...mails });
      const health = await store.syncState.health('m');
      assert.deepEqual({ failureMailAt: health?.failureMailAt, failureMailCode: health?.failureMailCode, heldMailAt: health?.heldMailAt, heldMailCode: health?.heldMailCode }, mails);
      await store.syncState.setProgress('fresh', null);
      const fresh = await store.syncState.health('fresh');
      assert.deepEqual([fresh?.failureMailCode, fresh?.heldMailAt, fresh?.heldMailCode], [null, null, null]);
    });

    it('enables and disables a stored job', async () => {
      const org = await store.organizations.create({ name: 'H', slug: `h-${dialect.name}` });
      await store.syncState.putJob({ orgId: org.id, name: `job-${dialect.name}`, config: {}, enabled: true, intervalMinutes: 40, nextRunAt: '2026-01-01T00:00:00.000Z' });
      await store.syncState.setJobEnabled(`job-${dialect.name}`, false);
      assert.equal((await store.syncState.getJob(`job-${dialect.name}`))?.enabled, false);
      assert.deepEqual(await store.syncState.dueJobs('2027-01-01T00:00:00.000Z', 10), []);
    });
  });
}
