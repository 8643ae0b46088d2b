/**
 * "Send an email notification when a failure occurs": a stored job whose cycle has failures mails
 * the organization's notification addresses over SMTP (a real local server, the smtp-server
 * package) with the failing objects and the first error — at most one mail per job per hour
 * unless the reason changes — a job held at its deletion threshold mails at most once an hour
 * too, and a job entering quarantine sends one quarantine notice.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createMailService } from '../../src/services/mail.ts';
import { createSyncNotices, SYNC_DELETIONS_HELD, SYNC_FAILURE, SYNC_QUARANTINE } from '../../src/services/sync-notices.ts';
import type { CycleSummary } from '../../src/sync/outcome.ts';
import { createSyncWorker } from '../../src/workers/sync-worker.ts';
import { startSmtpServer, type TestSmtpServer } from '../workers/smtp.ts';
import { serve, startScimd, stateStore, tempDir, USER_MAPPINGS, type ServedScimd } from './harness.ts';

const MIN = 60_000;

describe('sync: failure and quarantine mails over SMTP', () => {
  let scimd: ServedScimd;
  let smtp: TestSmtpServer;
  let proxy: Awaited<ReturnType<typeof serve>>;
  let state: Awaited<ReturnType<typeof stateStore>>;
  let files: Awaited<ReturnType<typeof tempDir>>;
  let mail: ReturnType<typeof createMailService>;
  let now = Date.parse('2026-03-02T09:00:00.000Z');
  const clock = () => new Date(now);
  const cycles: CycleSummary[] = [];
  let worker: ReturnType<typeof createSyncWorker>;

  before(async () => {
    scimd = await startScimd();
    smtp = await startSmtpServer();
    state = await stateStore();
    files = await tempDir();
    proxy = await serve(async (request) => {
      if (request.method === 'POST' && ((await request.clone().json()) as { userName?: string }).userName === 'bad@corp.example') {
        return Response.json({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '400', scimType: 'invalidValue', detail: 'userName bad@corp.example is not allowed' }, { status: 400 });
      }
      return scimd.harness.app.fetch(request, { incoming: { socket: { remoteAddress: '127.0.0.1' } } });
    });
    mail = createMailService({ store: state.store, from: 'scimd@test.example', transport: smtp.transport() });
    const notices = createSyncNotices({ store: state.store, mail });
    worker = createSyncWorker({ store: state.store, env: { TOKEN: scimd.token, WRONG: 'not-the-token' }, clock, onCycle: (s) => cycles.push(s), notify: (orgId) => notices.notifyFor(orgId) });
  });
  after(async () => {
    await worker.stop();
    mail.close();
    await proxy.close();
    await smtp.close();
    await state.close();
    await scimd.close();
    await files.remove();
  });

  const putJob = async (name: string, token: string, csv: string, extra: Record<string, unknown> = {}) => {
    await files.write(`${name}.csv`, csv);
    const org = (await state.store.organizations.list({ limit: 1000 })).find((o) => o.slug === name) ?? (await state.store.organizations.create({ name, slug: name, settings: { notificationEmails: [`ops@${name}.example`] } }));
    const config = { name, source: { type: 'csv', path: `${name}.csv`, key: 'id' }, target: { url: `http://127.0.0.1:${proxy.port}/scim/v2`, token, retries: 0 }, users: { mappings: USER_MAPPINGS }, ...extra };
    await state.store.syncState.putJob({ orgId: org.id, name, config: { text: JSON.stringify(config), path: `${files.dir}/${name}.json` }, enabled: true, intervalMinutes: 30, nextRunAt: clock().toISOString() });
    return org;
  };
  const lastOf = (job: string) => cycles.filter((c) => c.job === job).at(-1);
  const to = (address: string) => smtp.received.filter((m) => m.to.includes(address));

  it('mails the failing objects and the first error, at most once an hour', async () => {
    await putJob('failing', 'env:TOKEN', 'id,mail,givenName,surname\n1,good@corp.example,Good,G\n2,bad@corp.example,Bad,B\n');
    await worker.runOnce();
    assert.deepEqual([cycles.at(-1)?.created, cycles.at(-1)?.failed], [1, 1]);
    let mails = to('ops@failing.example');
    assert.equal(mails.length, 1);
    assert.match(mails[0]!.subject, /Provisioning job "failing": 1 objects failed/);
    assert.match(mails[0]!.text, /First error: POST \/Users → 400: userName bad@corp.example is not allowed/);
    assert.match(mails[0]!.text, /User 2: POST \/Users → 400/);

    now += 30 * MIN; // due again; the object's 30-minute back-off is over: tried, fails, but no mail within the hour
    await worker.runOnce();
    assert.equal(cycles.at(-1)?.failed, 1);
    assert.equal(to('ops@failing.example').length, 1);

    now += 30 * MIN; // its second back-off (1 h) is not over: escrowed, nothing fails
    await worker.runOnce();
    assert.deepEqual([cycles.at(-1)?.failed, cycles.at(-1)?.escrowed], [0, 1]);

    now += 30 * MIN; // 90 minutes after the first mail, it fails again: a second mail
    await worker.runOnce();
    assert.equal(cycles.at(-1)?.failed, 1);
    mails = to('ops@failing.example');
    assert.equal(mails.length, 2);
    const logged = await state.store.mailLog.list((await state.store.syncState.getJob('failing'))!.orgId, { limit: 10 });
    assert.deepEqual(logged.map((m) => [m.kind, m.transport]), [[SYNC_FAILURE, 'smtp'], [SYNC_FAILURE, 'smtp']]);
  });

  it('sends one quarantine notice when the token is refused, and steps the stored job to 2 h', async () => {
    await putJob('refused', 'env:WRONG', 'id,mail,givenName,surname\n1,r1@corp.example,R,One\n');
    await worker.runOnce();
    assert.equal(cycles.at(-1)?.errorCode, 'TARGET_AUTH');
    assert.equal((await state.store.syncState.getJob('refused'))?.nextRunAt, new Date(now + 120 * MIN).toISOString());
    now += 120 * MIN;
    await worker.runOnce();
    assert.equal((await state.store.syncState.getJob('refused'))?.nextRunAt, new Date(now + 360 * MIN).toISOString());
    const mails = to('ops@refused.example');
    const quarantine = mails.filter((m) => /is in quarantine/.test(m.subject));
    assert.equal(quarantine.length, 1);
    assert.match(quarantine[0]!.text, /Reason \(TARGET_AUTH\): the target refused the credentials/);
    const failures = mails.filter((m) => /the cycle failed/.test(m.subject));
    assert.equal(failures.length, 2, 'the cycles 2 h apart each sent a failure mail');
    const logged = await state.store.mailLog.list((await state.store.syncState.getJob('refused'))!.orgId, { limit: 10 });
    assert.ok(logged.some((m) => m.kind === SYNC_QUARANTINE));
  });

  it('mails a held job at most once an hour, while every held cycle is logged', async () => {
    const org = await putJob('held', 'env:TOKEN', 'id,mail,givenName,surname\n1,h1@corp.example,H,One\n2,h2@corp.example,H,Two\n', { deletionThreshold: 1 });
    await worker.runOnce();
    assert.equal(lastOf('held')?.created, 2);
    await files.write('held.csv', 'id,mail,givenName,surname\n');
    const held = () => to('ops@held.example').filter((m) => /is on hold/.test(m.subject));

    now += 30 * MIN; // emptied by mistake: held, one mail
    await worker.runOnce();
    assert.equal(lastOf('held')?.status, 'blocked');
    assert.equal(held().length, 1);
    assert.match(held()[0]!.subject, /would disable or delete 2 users \(threshold 1\)/);
    assert.match(held()[0]!.text, /repeated at most once an hour/);

    now += 30 * MIN; // held again within the hour: no mail
    await worker.runOnce();
    assert.equal(lastOf('held')?.status, 'blocked');
    assert.equal(held().length, 1);

    now += 30 * MIN; // an hour after the first mail, still held: the second mail
    await worker.runOnce();
    assert.equal(lastOf('held')?.status, 'blocked');
    assert.equal(held().length, 2);
    const logged = await state.store.mailLog.list(org.id, { limit: 10 });
    assert.deepEqual(logged.map((m) => [m.kind, m.transport]), [[SYNC_DELETIONS_HELD, 'smtp'], [SYNC_DELETIONS_HELD, 'smtp']]);
    const warnings = await state.store.syncLogs.query({ job: 'held', status: 'Warning', limit: 10 });
    assert.equal(warnings.length, 3, 'each held cycle wrote its DELETION_THRESHOLD entry');
    assert.deepEqual(warnings[0]?.steps.map((s) => [s.name, s.status]), [['Check the deletion threshold', 'failure']]);
  });

  it('mails again within the hour when the failure has a new reason', async () => {
    await putJob('reason', 'env:TOKEN', 'id,mail,givenName,surname\n1,bad@corp.example,Bad,B\n');
    await worker.runOnce();
    assert.equal(lastOf('reason')?.failed, 1);
    const failures = () => to('ops@reason.example').filter((m) => /Provisioning job "reason": /.test(m.subject));
    assert.equal(failures().length, 1);

    now += 30 * MIN; // its back-off is over and the token is now refused: a new reason (TARGET_AUTH), mailed within the hour
    await putJob('reason', 'env:WRONG', 'id,mail,givenName,surname\n1,bad@corp.example,Bad,B\n');
    await worker.runOnce();
    assert.equal(lastOf('reason')?.errorCode, 'TARGET_AUTH');
    assert.deepEqual(failures().map((m) => m.subject.replace(/^.*": /, '')), ['1 objects failed', 'the cycle failed']);
  });
});
