/**
 * The provisioning admin API: scopes (read lists and reads, write runs and controls), another
 * organization's job is a 404, status, logs with filters and CSV/JSON download, provision on
 * demand, approving deletions, stop / start, and restart making the next cycle initial. Every
 * response is checked against the OpenAPI document by the harness.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { CycleSummary } from '../../src/sync/outcome.ts';
import { createSyncWorker } from '../../src/workers/sync-worker.ts';
import { createAdminHarness, type AdminHarness } from '../http/admin/harness.ts';
import { startScimd, tempDir, USER_MAPPINGS, type ServedScimd } from './harness.ts';

describe('admin API: provisioning', () => {
  let h: AdminHarness;
  let scimd: ServedScimd;
  let files: Awaited<ReturnType<typeof tempDir>>;
  let reader: string;
  let writer: string;
  let globexWriter: string;
  const JOB = () => `/organizations/${h.acme}/provisioning/jobs/api-job`;
  const cycles: CycleSummary[] = [];
  const runDue = async () => createSyncWorker({ store: h.store, env: {}, clock: () => h.now(), onCycle: (s) => cycles.push(s) }).runOnce();

  before(async () => {
    h = await createAdminHarness();
    scimd = await startScimd();
    files = await tempDir();
    await files.write('users.csv', 'id,mail,givenName,surname\n1,ann@corp.example,Ann,A\n2,ben@corp.example,Ben,B\n');
    const config = { name: 'api-job', source: { type: 'csv', path: 'users.csv', key: 'id' }, target: { url: scimd.url, token: scimd.token }, users: { mappings: USER_MAPPINGS } };
    await h.store.syncState.putJob({ orgId: h.acme, name: 'api-job', config: { text: JSON.stringify(config), path: `${files.dir}/job.json` }, enabled: true, intervalMinutes: 40, nextRunAt: h.now().toISOString() });
    reader = await h.key({ type: 'api', description: 'read', scopes: ['provisioning:read'] });
    writer = await h.key({ type: 'api', description: 'write', scopes: ['provisioning:write'] });
    globexWriter = await h.key({ type: 'api', description: 'other org', scopes: ['provisioning:write'] }, h.globex);
  });
  after(async () => {
    await h.close();
    await scimd.close();
    await files.remove();
  });

  it('lists jobs and shows a status with provisioning:read, but refuses writes without provisioning:write', async () => {
    const list = await h.call('GET', `/organizations/${h.acme}/provisioning/jobs`, { token: reader });
    assert.equal(list.status, 200);
    assert.deepEqual(list.json.items.map((j: { name: string; targetUrl: string }) => [j.name, j.targetUrl]), [['api-job', scimd.url]]);
    const status = await h.call('GET', JOB(), { token: reader });
    assert.equal(status.status, 200);
    assert.deepEqual([status.json.current, status.json.quarantine.active], [null, false]);
    const denied = await h.call('POST', `${JOB()}/provision`, { token: reader, body: { user: '1' } });
    assert.equal(denied.status, 403);
    const noScope = await h.key({ type: 'api', description: 'none', scopes: ['audit:read'] });
    assert.equal((await h.call('GET', JOB(), { token: noScope })).status, 403);
  });

  it("answers 404 for another organization's job and for an unknown one", async () => {
    assert.equal((await h.call('GET', `/organizations/${h.globex}/provisioning/jobs/api-job`, { token: globexWriter })).status, 404);
    assert.equal((await h.call('POST', `/organizations/${h.globex}/provisioning/jobs/api-job/restart`, { token: globexWriter })).status, 404);
    assert.deepEqual((await h.call('GET', `/organizations/${h.globex}/provisioning/jobs`, { token: globexWriter })).json.items, []);
    const unknown = await h.call('GET', `/organizations/${h.acme}/provisioning/jobs/nope`, { token: reader });
    assert.equal(unknown.status, 404);
    assert.match(unknown.json.detail, /No provisioning job "nope"/);
  });

  it('provisions a user on demand and returns the steps', async () => {
    const result = await h.call('POST', `${JOB()}/provision`, { token: writer, body: { user: 'ann@corp.example' } });
    assert.equal(result.status, 200);
    assert.equal(result.json.status, 'success');
    assert.deepEqual(result.json.objects[0].steps.map((s: { name: string }) => s.name), ['Test connection', 'Import user', 'Determine if in scope', 'Match user between source and target', 'Perform action']);
    assert.equal(result.json.objects[0].steps[4].details.action, 'Create');
    assert.equal((await h.call('POST', `${JOB()}/provision`, { token: writer, body: { user: '1', group: 'g' } })).status, 400);
  });

  it('filters logs and downloads them as CSV and JSON', async () => {
    await runDue();
    assert.equal(cycles.at(-1)?.created, 1, 'ben (ann came on demand)');
    const all = await h.call('GET', `${JOB()}/logs`, { token: reader });
    assert.equal(all.json.items.length, 2);
    const ann = await h.call('GET', `${JOB()}/logs?identity=1&action=Create&status=Success`, { token: reader });
    assert.deepEqual(ann.json.items.map((e: { sourceKey: string }) => e.sourceKey), ['1']);
    const ben = all.json.items.find((e: { sourceKey: string }) => e.sourceKey === '2');
    assert.deepEqual(ben.steps.map((s: { name: string; status: string }) => `${s.name}: ${s.status}`), ['Import user: success', 'Determine if in scope: success', 'Match user between source and target: success', 'Perform action: success']);
    assert.equal(ben.steps[3].details.action, 'Create');
    assert.equal((await h.call('GET', `${JOB()}/logs?since=2999-01-01T00:00:00.000Z`, { token: reader })).json.items.length, 0);
    assert.equal((await h.call('GET', `${JOB()}/logs?status=Bogus`, { token: reader })).status, 400);
    const csv = await h.call('GET', `${JOB()}/logs/export?format=csv`, { token: reader });
    assert.equal(csv.status, 200);
    assert.match(csv.headers.get('Content-Type') ?? '', /^text\/csv/);
    assert.match(csv.headers.get('Content-Disposition') ?? '', /provisioning-logs-api-job\.csv/);
    assert.equal(csv.text.trim().split('\r\n').length, 3);
    assert.match(csv.text.split('\r\n')[0] ?? '', /,modified,steps$/);
    const json = await h.call('GET', `${JOB()}/logs/export?format=json&identity=2`, { token: reader });
    assert.deepEqual(JSON.parse(json.text).map((e: { sourceKey: string }) => e.sourceKey), ['2']);
    assert.equal(JSON.parse(json.text)[0].steps.length, 4);
  });

  it('approves deletions, stops, starts, and restarts into an initial cycle', async () => {
    const approved = await h.call('POST', `${JOB()}/approve-deletions`, { token: writer });
    assert.equal(approved.status, 200);
    assert.equal((await h.call('GET', JOB(), { token: reader })).json.deletionApprovalPending, approved.json.approvedAt);

    const stopped = await h.call('POST', `${JOB()}/stop`, { token: writer });
    assert.deepEqual([stopped.json.nextRun.enabled, stopped.json.nextRun.at], [false, null]);
    h.advance(3 * 3_600_000);
    const before = cycles.length;
    await runDue();
    assert.equal(cycles.length, before, 'a stopped job does not run');

    const started = await h.call('POST', `${JOB()}/start`, { token: writer });
    assert.deepEqual([started.json.nextRun.enabled, started.json.nextRun.at], [true, h.now().toISOString()]);
    await runDue();
    assert.equal(cycles.at(-1)?.kind, 'incremental');

    h.advance(60_000);
    const restarted = await h.call('POST', `${JOB()}/restart`, { token: writer });
    assert.equal(restarted.status, 200);
    assert.equal(restarted.json.deletionApprovalPending, null, 'restart clears pending approvals');
    await runDue();
    assert.deepEqual([cycles.at(-1)?.kind, cycles.at(-1)?.created, cycles.at(-1)?.unchanged], ['initial', 0, 2], 'links kept: nothing created twice');
  });
});
