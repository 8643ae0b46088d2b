/**
 * Server mode: a stored job runs on its schedule as a leased job. Two workers over the same
 * database run a due job once; the next run is set one interval later; the state is the one a
 * CLI run uses. Start and restart wake a running worker instead of waiting for its next look.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { CycleSummary } from '../../src/sync/outcome.ts';
import { createMailService } from '../../src/services/mail.ts';
import { createSyncNotices, SYNC_DELETIONS_HELD } from '../../src/services/sync-notices.ts';
import { createProvisioningService } from '../../src/sync/provisioning-service.ts';
import { createSyncWorker } from '../../src/workers/sync-worker.ts';
import { GROUP_MAPPINGS, serve, startScimd, stateStore, tempDir, USER_MAPPINGS, type ServedScimd } from '../sync/harness.ts';

describe('sync worker (scimd serve)', () => {
  let scimd: ServedScimd;
  let state: Awaited<ReturnType<typeof stateStore>>;
  let files: Awaited<ReturnType<typeof tempDir>>;
  let now = Date.parse('2026-05-01T08:00:00.000Z');
  const clock = () => new Date(now);

  before(async () => {
    scimd = await startScimd();
    state = await stateStore();
    files = await tempDir();
  });
  after(async () => {
    await scimd.close();
    await state.close();
    await files.remove();
  });

  it('runs a due stored job once across two workers, then waits for its interval', async () => {
    await files.write('users.csv', 'id,mail,givenName,surname\n1,ann@corp.example,Ann,Ash\n2,ben@corp.example,Ben,Birch\n');
    await files.write('groups.csv', 'id,name,members\ng,Staff,1;2\n');
    const config = {
      name: 'stored',
      source: { type: 'csv', path: 'users.csv', key: 'id' },
      target: { url: scimd.url, token: 'env:TOKEN' },
      users: { mappings: USER_MAPPINGS.filter((m) => m.target !== 'active') },
      groups: { source: { type: 'csv', path: 'groups.csv', key: 'id', members: 'members' }, mappings: GROUP_MAPPINGS },
      schedule: { intervalMinutes: 30 },
    };
    const org = await state.store.organizations.create({ name: 'Owner', slug: 'owner' });
    await state.store.syncState.putJob({ orgId: org.id, name: 'stored', config: { text: JSON.stringify(config), path: `${files.dir}/stored.json` }, enabled: true, intervalMinutes: 30, nextRunAt: clock().toISOString() });
    const cycles: CycleSummary[] = [];
    const make = (id: string) => createSyncWorker({ store: state.store, env: { TOKEN: scimd.token }, clock, workerId: id, onCycle: (s) => cycles.push(s) });
    const [a, b] = [make('a'), make('b')];
    const results = await Promise.all([a.runOnce(), b.runOnce()]);
    assert.equal(cycles.length, 1, JSON.stringify(results));
    assert.equal(cycles[0]?.status, 'succeeded', cycles[0]?.error);
    assert.equal(cycles[0]?.created, 3);
    assert.equal((await state.store.syncState.getJob('stored'))?.nextRunAt, '2026-05-01T08:30:00.000Z');
    now += 10 * 60_000;
    await a.runOnce();
    assert.equal(cycles.length, 1, 'not due yet');
    now += 25 * 60_000;
    await b.runOnce();
    assert.equal(cycles.length, 2);
    assert.equal(cycles[1]?.kind, 'incremental');
    assert.equal(cycles[1]?.requests, 0);
    assert.equal((await state.store.syncState.runs('stored', 10)).length, 2);
    await a.stop();
    await b.stop();
  });

  it("holds an organization's job at the deletion threshold and mails its notification addresses", async () => {
    await files.write('held.csv', 'id,mail,givenName,surname\n1,hal@corp.example,Hal,H\n2,ida@corp.example,Ida,I\n');
    const config = { name: 'held', source: { type: 'csv', path: 'held.csv', key: 'id' }, target: { url: scimd.url, token: 'env:TOKEN' }, users: { mappings: USER_MAPPINGS }, deletionThreshold: 1 };
    const org = await state.store.organizations.create({ name: 'Held', slug: 'held', settings: { notificationEmails: ['ops@held.example'] } });
    await state.store.syncState.putJob({ orgId: org.id, name: 'held', config: { text: JSON.stringify(config), path: `${files.dir}/held.json` }, enabled: true, intervalMinutes: 30, nextRunAt: clock().toISOString() });
    const notices = createSyncNotices({ store: state.store, mail: createMailService({ store: state.store, from: 'scimd@test.example' }) });
    const cycles: CycleSummary[] = [];
    const worker = createSyncWorker({ store: state.store, env: { TOKEN: scimd.token }, clock, onCycle: (s) => cycles.push(s), notify: (orgId) => notices.notifyFor(orgId) });
    await worker.runOnce();
    assert.equal(cycles.at(-1)?.created, 2);
    await files.write('held.csv', 'id,mail,givenName,surname\n');
    now += 30 * 60_000;
    await worker.runOnce();
    assert.equal(cycles.at(-1)?.status, 'blocked');
    const mails = await state.store.mailLog.list(org.id, { limit: 10 });
    assert.equal(mails.length, 1);
    assert.equal(mails[0]?.kind, SYNC_DELETIONS_HELD);
    assert.deepEqual(mails[0]?.recipients, ['ops@held.example']);
    assert.match(mails[0]?.subject ?? '', /"held" is on hold: it would disable or delete 2 users \(threshold 1\)/);
    assert.match(mails[0]?.body ?? '', /approve-deletions/);
    await worker.stop();
  });

  it('starts the cycle of a started or restarted job at once, not at the next look, and restart makes it initial', async () => {
    await files.write('woken.csv', 'id,mail,givenName,surname\n1,wes@corp.example,Wes,W\n');
    const config = { name: 'woken', source: { type: 'csv', path: 'woken.csv', key: 'id' }, target: { url: scimd.url, token: 'env:TOKEN' }, users: { mappings: USER_MAPPINGS } };
    const org = await state.store.organizations.create({ name: 'Woken', slug: 'woken' });
    await state.store.syncState.putJob({ orgId: org.id, name: 'woken', config: { text: JSON.stringify(config), path: `${files.dir}/woken.json` }, enabled: false, intervalMinutes: 40, nextRunAt: new Date(now + 86_400_000).toISOString() });
    let arrived: ((summary: CycleSummary) => void) | undefined;
    // The worker looks for due jobs once an hour: only a wake-up can start a cycle within the test.
    const worker = createSyncWorker({ store: state.store, env: { TOKEN: scimd.token }, clock, intervalMs: 3_600_000, onCycle: (summary) => summary.job === 'woken' && arrived?.(summary) });
    const service = createProvisioningService({ store: state.store, env: { TOKEN: scimd.token }, clock, onScheduled: () => worker.wake() });
    const nextCycle = () =>
      new Promise<CycleSummary>((resolve, reject) => {
        arrived = resolve;
        setTimeout(() => reject(new Error('no cycle within 10 s: the worker was not woken')), 10_000).unref();
      });
    worker.start();
    try {
      const first = nextCycle();
      await service.start(org.id, 'woken');
      const started = await first;
      assert.deepEqual([started.kind, started.status, started.created], ['initial', 'succeeded', 1]);

      now += 60_000;
      const second = nextCycle();
      await service.restart(org.id, 'woken');
      const restarted = await second;
      assert.deepEqual([restarted.kind, restarted.created, restarted.unchanged], ['initial', 0, 1], 'links kept: re-evaluated, nothing created twice');
    } finally {
      await worker.stop();
    }
  });

  it('restart stops a cycle in progress first, so that its watermark cannot outlive the restart', async () => {
    const rows = Array.from({ length: 30 }, (_, n) => `${n + 1},slow${n + 1}@corp.example,Slow,S${n + 1}`);
    await files.write('slow.csv', `id,mail,givenName,surname\n${rows.join('\n')}\n`);
    // A target that answers each request 100 ms late, so that the first cycle is still running when restart comes.
    let requests = 0;
    let firstRequest: (() => void) | undefined;
    const reached = new Promise<void>((resolve) => (firstRequest = resolve));
    const slow = await serve(async (request) => {
      requests += 1;
      firstRequest?.();
      await new Promise((resolve) => setTimeout(resolve, 100));
      return scimd.harness.app.fetch(request, { incoming: { socket: { remoteAddress: '127.0.0.1' } } });
    });
    const config = { name: 'slow', source: { type: 'csv', path: 'slow.csv', key: 'id' }, target: { url: `http://127.0.0.1:${slow.port}/scim/v2`, token: 'env:TOKEN' }, users: { mappings: USER_MAPPINGS } };
    const org = await state.store.organizations.create({ name: 'Slow', slug: 'slow' });
    await state.store.syncState.putJob({ orgId: org.id, name: 'slow', config: { text: JSON.stringify(config), path: `${files.dir}/slow.json` }, enabled: false, intervalMinutes: 40, nextRunAt: new Date(now + 86_400_000).toISOString() });
    const seen: CycleSummary[] = [];
    let waiting: { count: number; resolve: () => void } | undefined;
    const worker = createSyncWorker({
      store: state.store,
      env: { TOKEN: scimd.token },
      clock,
      intervalMs: 3_600_000,
      onCycle: (summary) => {
        if (summary.job !== 'slow') return;
        seen.push(summary);
        if (waiting !== undefined && seen.length >= waiting.count) waiting.resolve();
      },
    });
    const service = createProvisioningService({ store: state.store, env: { TOKEN: scimd.token }, clock, onScheduled: () => worker.wake(), beforeRestart: (name) => worker.interrupt(name) });
    const cyclesSeen = (count: number) =>
      new Promise<void>((resolve, reject) => {
        waiting = { count, resolve };
        if (seen.length >= count) resolve();
        setTimeout(() => reject(new Error(`${seen.length} of ${count} cycles within 20 s`)), 20_000).unref();
      });
    worker.start();
    try {
      await service.start(org.id, 'slow');
      await reached;
      now += 60_000; // a new due time: scheduled cycles are deduplicated by job and due time
      await service.restart(org.id, 'slow');
      assert.equal(seen.length, 1, 'restart returned after the running cycle ended');
      assert.equal(seen[0]?.status, 'interrupted');
      assert.ok(requests < 30, `the first cycle stopped early (${requests} requests)`);
      await cyclesSeen(2);
      assert.equal(seen[1]?.kind, 'initial', 'the interrupted cycle saved no watermark after the restart cleared it');
      assert.equal(seen[1]?.status, 'succeeded', seen[1]?.error);
      assert.equal(seen[0]!.created + seen[1]!.created, 30, 'every user created once');
    } finally {
      await worker.stop();
      await slow.close();
    }
  });
});
