/**
 * Escrow and quarantine with a fake clock (no sleeping): a target that refuses the token puts the
 * job into quarantine, the cycles step from 40 min to 2 h, 6 h, 12 h and 24 h, one notice goes out
 * (another when the reason changes), `scimd sync status` shows it, the first clean cycle lifts
 * it, four weeks of it disable the job; failed objects wait out their back-off; most objects
 * failing quarantines too.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { syncJobCommand } from '../../src/cli/commands/sync-jobs.ts';
import { syncOpsCommand } from '../../src/cli/commands/sync-ops.ts';
import type { HealthDecision } from '../../src/sync/health.ts';
import type { CycleSummary } from '../../src/sync/outcome.ts';
import { createSyncRunner, type FailedObject } from '../../src/sync/runner.ts';
import { syncStatus } from '../../src/sync/status.ts';
import { jobOf, serve, startScimd, stateStore, tempDir, USER_MAPPINGS, type ServedScimd } from './harness.ts';

const HEADER = 'id,mail,givenName,surname,jobTitle,department,disabled\n';
const rows = (n: number, title = '', prefix = 'q') => Array.from({ length: n }, (_, i) => `${i + 1},${prefix}${i + 1}@corp.example,Q,${i + 1},${title},R&D,false\n`).join('');
const MIN = 60_000;

describe('sync: escrow and quarantine', () => {
  let scimd: ServedScimd;
  let proxy: Awaited<ReturnType<typeof serve>>;
  let files: Awaited<ReturnType<typeof tempDir>>;
  let state: Awaited<ReturnType<typeof stateStore>>;
  let mode: 'ok' | 'refuse' | 'not-scim' = 'ok';
  let rejectPost: ((body: Record<string, unknown>) => boolean) | undefined;
  let now = Date.parse('2026-01-05T08:00:00.000Z');
  const clock = () => new Date(now);
  const notices: { event: HealthDecision['event']; code: string | null }[] = [];
  const failureMails: { summary: CycleSummary; failed: readonly FailedObject[] }[] = [];
  const url = () => `http://127.0.0.1:${proxy.port}/scim/v2`;
  const runner = (name: string) =>
    createSyncRunner(jobOf({ name, source: { type: 'csv', path: `${name}.csv`, key: 'id' }, target: { url: url(), token: scimd.token, retries: 0 }, users: { mappings: USER_MAPPINGS } }, files.dir), {
      state: state.store.syncState,
      logs: state.store.syncLogs,
      clock,
      notify: {
        quarantine: async (decision) => void notices.push({ event: decision.event, code: decision.health.quarantineCode }),
        failure: async (summary, failed) => {
          failureMails.push({ summary, failed });
          return true;
        },
      },
    });

  before(async () => {
    scimd = await startScimd();
    files = await tempDir();
    state = await stateStore();
    proxy = await serve(async (request) => {
      if (mode === 'refuse') return Response.json({ detail: 'invalid token' }, { status: 401 });
      if (mode === 'not-scim') return new Response('<html>not here</html>', { status: 404, headers: { 'content-type': 'text/html' } });
      if (request.method === 'POST' && rejectPost !== undefined && rejectPost((await request.clone().json()) as Record<string, unknown>)) {
        return Response.json({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '400', scimType: 'invalidValue', detail: 'rejected by the test' }, { status: 400 });
      }
      return scimd.harness.app.fetch(request, { incoming: { socket: { remoteAddress: '127.0.0.1' } } });
    });
  });
  after(async () => {
    await proxy.close();
    await state.close();
    await scimd.close();
    await files.remove();
  });

  it('steps the schedule down in quarantine while the token is refused, mails once per reason, and lifts on the first clean cycle', async () => {
    await files.write('refused.csv', HEADER + rows(3));
    const sync = runner('refused');
    const slept: number[] = [];
    const summaries: CycleSummary[] = [];
    const plan: (() => Promise<void>)[] = [
      async () => {
        mode = 'refuse';
        await files.write('refused.csv', HEADER + rows(3, 'Changed')); // something to send, so the 401 is met
      },
      async () => undefined,
      async () => undefined,
      async () => undefined,
      async () => void (mode = 'not-scim'),
      async () => void (mode = 'ok'),
    ];
    const controller = new AbortController();
    // The schedule's waits advance the fake clock; each cycle's summary sets up the next one.
    const scheduled = createSyncRunner(sync.job, {
      state: state.store.syncState,
      logs: state.store.syncLogs,
      clock,
      notify: { quarantine: async (decision) => void notices.push({ event: decision.event, code: decision.health.quarantineCode }) },
      sleep: async (ms) => {
        slept.push(ms);
        now += ms;
      },
    });
    await scheduled.schedule({
      signal: controller.signal,
      onCycle: (summary) => {
        summaries.push(summary);
        const next = plan.shift();
        if (next === undefined) controller.abort();
        else void next();
      },
    });
    await scheduled.close();
    await sync.close();
    assert.deepEqual(summaries.map((s) => [s.status, s.errorCode ?? null]), [
      ['succeeded', null],
      ['failed', 'TARGET_AUTH'],
      ['failed', 'TARGET_AUTH'],
      ['failed', 'TARGET_AUTH'],
      ['failed', 'TARGET_AUTH'],
      ['failed', 'TARGET_ENDPOINT'],
      ['succeeded', null],
    ]);
    assert.deepEqual(slept.map((ms) => ms / MIN), [40, 120, 360, 720, 1440, 1440, 40]);
    assert.deepEqual(notices, [{ event: 'entered', code: 'TARGET_AUTH' }, { event: 'reason-changed', code: 'TARGET_ENDPOINT' }]);
    const health = await state.store.syncState.health('refused');
    assert.equal(health?.quarantinedAt, null, 'lifted');
    assert.equal(health?.nextRunAt, new Date(now).toISOString(), 'the schedule waited 40 minutes for it');
    assert.equal((await scimd.harness.call('GET', '/Users?filter=title eq "Changed"')).json.totalResults, 3, 'the recovered cycle sent the change');
  });

  it('shows the quarantine in sync status and disables the job after four weeks of it', async () => {
    notices.length = 0;
    await files.write('stuck.csv', HEADER + rows(2, '', 's'));
    const sync = runner('stuck');
    mode = 'refuse';
    const first = await sync.cycle();
    assert.equal(first.errorCode, 'TARGET_AUTH');
    const report = await syncStatus({ state: state.store.syncState, logs: state.store.syncLogs }, 'stuck', 40);
    assert.deepEqual([report.quarantine.active, report.quarantine.code, report.quarantine.step], [true, 'TARGET_AUTH', 1]);
    assert.match(report.quarantine.reason ?? '', /refused the credentials/);

    now += 27 * 24 * 60 * MIN;
    await sync.cycle();
    assert.equal((await state.store.syncState.health('stuck'))?.disabledAt, null);
    now += 24 * 60 * MIN;
    await sync.cycle();
    const health = await state.store.syncState.health('stuck');
    assert.equal(health?.disabledAt, new Date(now).toISOString());
    assert.deepEqual(notices.map((n) => n.event), ['entered', 'disabled']);
    assert.equal((await syncStatus({ state: state.store.syncState, logs: state.store.syncLogs }, 'stuck', 40)).nextRun.at, null);
    await sync.close();
    mode = 'ok';
  });

  it('keeps a failed object in escrow with back-off, then retries it, and mails failures at most once an hour', async () => {
    failureMails.length = 0;
    await files.write('escrow.csv', HEADER + rows(3, '', 'e'));
    rejectPost = (body) => body['userName'] === 'e2@corp.example';
    const sync = runner('escrow');
    const a = await sync.cycle();
    assert.deepEqual([a.created, a.failed], [2, 1]);
    let link = (await state.store.syncState.links('escrow', 'User')).find((l) => l.sourceKey === '2')!;
    assert.deepEqual([link.failures, link.retryAt], [1, new Date(now + 30 * MIN).toISOString()]);

    now += 40 * MIN;
    const b = await sync.cycle();
    assert.equal(b.failed, 1, 'retried on the next cycle, failed again');
    link = (await state.store.syncState.links('escrow', 'User')).find((l) => l.sourceKey === '2')!;
    assert.deepEqual([link.failures, link.retryAt], [2, new Date(now + 60 * MIN).toISOString()]);

    now += 40 * MIN;
    const c = await sync.cycle();
    assert.deepEqual([c.failed, c.escrowed, c.requests], [0, 1, 0], 'still in its back-off: not tried');

    rejectPost = undefined;
    now += 40 * MIN;
    const d = await sync.cycle();
    assert.deepEqual([d.created, d.failed, d.escrowed], [1, 0, 0]);
    link = (await state.store.syncState.links('escrow', 'User')).find((l) => l.sourceKey === '2')!;
    assert.deepEqual([link.failures, link.retryAt, link.lastError], [0, null, null]);

    // a was mailed; b failed 40 minutes later: not mailed. A failure 2 h 40 min after a is mailed.
    assert.equal(failureMails.length, 1);
    assert.deepEqual(failureMails[0]!.failed.map((f) => f.sourceKey), ['2']);
    assert.match(failureMails[0]!.failed[0]!.reason, /400: rejected by the test/);
    await files.write('escrow.csv', HEADER + rows(4, '', 'e'));
    rejectPost = (body) => body['userName'] === 'e4@corp.example';
    now += 40 * MIN;
    assert.equal((await sync.cycle()).failed, 1);
    assert.equal(failureMails.length, 2);
    assert.deepEqual(failureMails[1]!.failed.map((f) => f.sourceKey), ['4']);
    rejectPost = undefined;
    await sync.close();
  });

  it('quarantines a job when most objects of a cycle fail', async () => {
    notices.length = 0;
    await files.write('mostly.csv', HEADER + rows(12, '', 'm'));
    rejectPost = (body) => String(body['userName']).startsWith('m') && body['userName'] !== 'm1@corp.example';
    const sync = runner('mostly');
    const summary = await sync.cycle();
    assert.deepEqual([summary.created, summary.failed], [1, 11]);
    const health = await state.store.syncState.health('mostly');
    assert.equal(health?.quarantineCode, 'ESCROW_PROPORTION');
    assert.match(health?.quarantineReason ?? '', /11 of the 12 objects the cycle acted on failed/);
    assert.equal(health?.nextRunAt, new Date(now + 120 * MIN).toISOString());
    assert.deepEqual(notices.map((n) => n.event), ['entered']);
    rejectPost = undefined;
    await sync.close();
  });

  it('stores the progress of a running cycle every 200 objects and clears it at the end', async () => {
    await files.write('progress.csv', HEADER + rows(450, '', 'p'));
    const seen: (string | null)[] = [];
    const syncState = { ...state.store.syncState, setProgress: async (job: string, progress: Parameters<typeof state.store.syncState.setProgress>[1]) => {
      seen.push(progress === null ? null : `${progress.kind} ${progress.objectType} ${progress.done}/${progress.total}`);
      await state.store.syncState.setProgress(job, progress);
    } };
    const sync = createSyncRunner(jobOf({ name: 'progress', source: { type: 'csv', path: 'progress.csv', key: 'id' }, target: { url: url(), token: scimd.token }, users: { mappings: USER_MAPPINGS } }, files.dir), { state: syncState, clock });
    assert.equal((await sync.cycle()).created, 450);
    assert.deepEqual(seen, ['initial User 200/450', 'initial User 400/450', 'initial User 450/450', null]);
    assert.equal((await state.store.syncState.health('progress'))?.progress, null);
    await sync.close();
  });

  it('scimd sync run reports the quarantine on stderr and scimd sync status shows it', async () => {
    await files.write('cli.csv', HEADER + rows(2, '', 'c'));
    const path = await files.write('cli.json', JSON.stringify({ name: 'cli-refused', source: { type: 'csv', path: 'cli.csv', key: 'id' }, target: { url: url(), token: 'wrong', retries: 0 }, users: { mappings: USER_MAPPINGS } }));
    const db = ['--data-dir', join(files.dir, 'cli-data')];
    const out: string[] = [];
    const err: string[] = [];
    const io = { out: (l: string) => out.push(l), err: (l: string) => err.push(l) };
    assert.equal(await syncJobCommand(['run', '--config', path, '--once', '--json', ...db], io, () => new Promise<string>(() => undefined)), 1);
    assert.match(err.join('\n'), /cli-refused in quarantine: the target refused the credentials/);
    out.length = 0;
    assert.equal(await syncOpsCommand('status', ['--config', path, ...db], io), 0);
    assert.match(out.join('\n'), /QUARANTINE since \S+ \(TARGET_AUTH, cycle 1 of it\): the target refused the credentials/);
  });
});
