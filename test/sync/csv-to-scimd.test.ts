/**
 * End to end: a CSV HR export → a scimd organization over real HTTP. Initial cycle, idle cycle,
 * one changed attribute, soft delete, removal, scope change, group member changes, interruption
 * and resume, a lost link found again by matching, dry run.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ObjectOutcome } from '../../src/sync/outcome.ts';
import { createSyncRunner } from '../../src/sync/runner.ts';
import { GROUP_MAPPINGS, jobOf, startScimd, stateStore, tempDir, USER_MAPPINGS, type ServedScimd } from './harness.ts';

const HEADER = 'id,mail,givenName,surname,jobTitle,department,disabled\n';
const ALICE = '1,alice@corp.example,Alice,Archer,Engineer,R&D,false\n';
const BOB = '2,bob@corp.example,Bob,"Baker, Jr.",,Sales,false\n';
const CAROL = '3,carol@corp.example,Carol,Cole,"Head of\n""Ops""",Ops,false\n';

describe('sync: CSV → scimd over HTTP', () => {
  let scimd: ServedScimd;
  let state: Awaited<ReturnType<typeof stateStore>>;
  let files: Awaited<ReturnType<typeof tempDir>>;
  const config = () => ({
    name: 'hr-to-scimd',
    source: { type: 'csv', path: 'users.csv', key: 'id', softDeleted: { attribute: 'disabled' } },
    target: { url: scimd.url, token: 'env:TARGET_TOKEN' },
    users: { mappings: USER_MAPPINGS, scope: [[{ attribute: 'department', operator: 'NOT EQUALS', value: 'External' }]] },
    groups: { source: { type: 'csv', path: 'groups.csv', key: 'id', members: 'members' }, mappings: GROUP_MAPPINGS },
  });
  const runner = () => createSyncRunner(jobOf(config(), files.dir, { TARGET_TOKEN: scimd.token }), { state: state.store.syncState });
  const users = async () => (await scimd.harness.call('GET', '/Users?count=100')).json.Resources as Record<string, any>[]; // eslint-disable-line @typescript-eslint/no-explicit-any
  const user = async (userName: string) => (await users()).find((u) => u['userName'] === userName);
  const group = async (name: string) => {
    const list = (await scimd.harness.call('GET', `/Groups?filter=${encodeURIComponent(`displayName eq "${name}"`)}`)).json.Resources;
    return list[0] as Record<string, any> | undefined; // eslint-disable-line @typescript-eslint/no-explicit-any
  };

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

  it('creates users, then groups with members resolved through the links', async () => {
    await files.write('users.csv', `\uFEFF${HEADER}${ALICE}${BOB}${CAROL}`);
    await files.write('groups.csv', 'id,name,members\ng1,Engineering,1;2\n');
    const outcomes: ObjectOutcome[] = [];
    const summary = await runner().cycle({ onOutcome: (o) => outcomes.push(o) });
    assert.equal(summary.status, 'succeeded', summary.error);
    assert.equal(summary.kind, 'initial');
    assert.equal(summary.created, 4);
    assert.equal(summary.failed, 0);
    const bob = await user('bob@corp.example');
    assert.equal(bob?.['displayName'], 'Bob Baker, Jr.');
    assert.equal(bob?.['title'], 'Staff', 'the default fills an empty cell');
    assert.equal(bob?.['active'], true);
    assert.equal(bob?.['externalId'], '2');
    assert.deepEqual(bob?.['emails'], [{ type: 'work', value: 'bob@corp.example' }]);
    assert.equal((await user('carol@corp.example'))?.['title'], 'Head of\n"Ops"');
    const engineering = await group('Engineering');
    assert.ok(engineering);
    const members = (await scimd.harness.call('GET', `/Groups/${engineering['id']}`)).json.members.map((m: { value: string }) => m.value).sort();
    assert.deepEqual(members, [(await user('alice@corp.example'))!['id'], bob!['id']].sort());
    const groupOutcome = outcomes.find((o) => o.objectType === 'Group');
    assert.deepEqual(groupOutcome?.changed, ['displayName', 'externalId', 'members']);
  });

  it('sends nothing when nothing changed', async () => {
    const summary = await runner().cycle();
    assert.equal(summary.kind, 'incremental');
    assert.equal(summary.requests, 0);
    assert.equal(summary.created + summary.updated + summary.disabled + summary.failed, 0);
  });

  it('sends one minimal PATCH for one changed attribute', async () => {
    await files.write('users.csv', `${HEADER}${ALICE.replace('Engineer', 'Principal Engineer')}${BOB}${CAROL}`);
    const outcomes: ObjectOutcome[] = [];
    const summary = await runner().cycle({ onOutcome: (o) => outcomes.push(o) });
    assert.equal(summary.updated, 1);
    assert.equal(summary.requests, 1);
    assert.deepEqual(outcomes.find((o) => o.action === 'update')?.changed, ['title']);
    assert.equal((await user('alice@corp.example'))?.['title'], 'Principal Engineer');
  });

  it('deactivates a soft-deleted user, and reactivates it', async () => {
    await files.write('users.csv', `${HEADER}${ALICE.replace('Engineer', 'Principal Engineer')}${BOB.replace(/false\n$/, 'true\n')}${CAROL}`);
    let summary = await runner().cycle();
    assert.equal(summary.disabled, 1);
    assert.equal(summary.requests, 1);
    assert.equal((await user('bob@corp.example'))?.['active'], false);
    summary = await runner().cycle();
    assert.equal(summary.requests, 0, 'a soft-deleted user is not deactivated twice');
    await files.write('users.csv', `${HEADER}${ALICE.replace('Engineer', 'Principal Engineer')}${BOB}${CAROL}`);
    summary = await runner().cycle();
    assert.equal(summary.updated, 1);
    assert.equal((await user('bob@corp.example'))?.['active'], true);
  });

  it('deactivates a user leaving scope and one removed from the source; updates group members', async () => {
    await files.write('users.csv', `${HEADER}${ALICE.replace('Engineer', 'Principal Engineer')}${BOB.replace('Sales', 'External')}`);
    await files.write('groups.csv', 'id,name,members\ng1,Engineering,1;3\n');
    const outcomes: ObjectOutcome[] = [];
    const summary = await runner().cycle({ onOutcome: (o) => outcomes.push(o) });
    assert.equal(summary.disabled, 2, JSON.stringify(outcomes));
    assert.equal((await user('bob@corp.example'))?.['active'], false);
    assert.equal((await user('carol@corp.example'))?.['active'], false);
    assert.equal(outcomes.find((o) => o.sourceKey === '2')?.reason, 'out of scope');
    assert.equal(outcomes.find((o) => o.sourceKey === '3')?.reason, 'removed from the source');
    const engineering = await group('Engineering');
    const members = (await scimd.harness.call('GET', `/Groups/${engineering!['id']}`)).json.members.map((m: { value: string }) => m.value).sort();
    assert.deepEqual(members, [(await user('alice@corp.example'))!['id'], (await user('carol@corp.example'))!['id']].sort());
    assert.equal((await users()).length, 3, 'nothing deleted without actions.delete');
  });

  it('plans without writing in a dry run', async () => {
    await files.write('users.csv', `${HEADER}${ALICE.replace('Engineer', 'CTO')}${BOB.replace('Sales', 'External')}4,dan@corp.example,Dan,Dunn,,R&D,false\n`);
    const outcomes: ObjectOutcome[] = [];
    const summary = await runner().cycle({ dryRun: true, onOutcome: (o) => outcomes.push(o) });
    assert.equal(summary.created, 1);
    assert.equal(summary.updated, 1);
    assert.ok(outcomes.filter((o) => o.action === 'create' || o.action === 'update').every((o) => o.dryRun === true));
    assert.equal(await user('dan@corp.example'), undefined);
    assert.equal((await user('alice@corp.example'))?.['title'], 'Principal Engineer');
    assert.equal((await state.store.syncState.links('hr-to-scimd', 'User')).find((l) => l.sourceKey === '4'), undefined);
  });

  it('resumes an interrupted cycle without duplicates, and re-links objects whose links were lost', async () => {
    const many = Array.from({ length: 30 }, (_, i) => `${100 + i},u${i}@corp.example,U${i},User,,R&D,false\n`).join('');
    await files.write('users.csv', `${HEADER}${ALICE.replace('Engineer', 'Principal Engineer')}${many}`);
    const controller = new AbortController();
    let seen = 0;
    const first = await runner().cycle({
      signal: controller.signal,
      onOutcome: (o) => {
        if (o.action === 'create' && ++seen === 5) controller.abort();
      },
    });
    assert.equal(first.status, 'interrupted');
    assert.ok(first.created >= 5 && first.created < 30, `created ${first.created}`);
    // A crash right after the POSTs and before the links were saved: forget some links.
    const lost = (await state.store.syncState.links('hr-to-scimd', 'User')).filter((l) => Number(l.sourceKey) >= 100).map((l) => l.sourceKey).slice(0, 3);
    await state.store.syncState.deleteLinks('hr-to-scimd', 'User', lost);
    const second = await runner().cycle();
    assert.equal(second.status, 'succeeded', second.error);
    assert.equal(second.created + first.created, 30 + lost.length - second.linked);
    assert.equal(second.linked, lost.length);
    const names = (await scimd.harness.call('GET', '/Users?count=200')).json.Resources.map((u: { userName: string }) => u.userName);
    assert.equal(names.length, new Set(names).size, 'no duplicates');
    assert.equal(names.filter((n: string) => n.startsWith('u')).length, 30);
    const runs = await state.store.syncState.runs('hr-to-scimd', 20);
    assert.deepEqual(runs.slice(0, 2).map((r) => r.status), ['succeeded', 'interrupted']);
  });

  it('fails the cycle with the reason on a bad token, without touching anything', async () => {
    const job = jobOf(config(), files.dir, { TARGET_TOKEN: 'wrong' });
    const bad = createSyncRunner(job, { state: state.store.syncState });
    const test = await bad.testConnection();
    assert.equal(test.ok, false);
    assert.equal(test.ok ? undefined : test.reason, 'bad-token');
    await files.write('users.csv', `${HEADER}5,erin@corp.example,Erin,E,,R&D,false\n`);
    const summary = await bad.cycle();
    assert.equal(summary.status, 'failed');
    assert.match(summary.error ?? '', /401/);
    assert.equal(await user('erin@corp.example'), undefined);
    assert.equal((await state.store.syncState.runs('hr-to-scimd', 1))[0]?.status, 'failed');
  });
});
