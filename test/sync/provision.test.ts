/**
 * Provision on demand against scimd and against SCIMMY (an independent SCIM server): the five
 * steps with their details (clauses, candidates, requests, before → after), the link it leaves
 * for the scheduled cycle, the provisioning-log entry, groups with at most five members, a bad
 * token failing at Test connection, and the CLI's human and JSON output.
 */
import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { syncCommand } from '../../src/cli/commands/sync.ts';
import { provisionOnDemand, type ProvisionReport } from '../../src/sync/provision.ts';
import { createSyncRunner } from '../../src/sync/runner.ts';
import { GROUP_MAPPINGS, jobOf, startScimd, stateStore, tempDir, USER_MAPPINGS, type ServedScimd } from './harness.ts';
import { createScimmyPeer } from './scimmy-peer.ts';

const HEADER = 'id,mail,givenName,surname,jobTitle,department,disabled\n';
const USERS = HEADER + ['1,ada@corp.example,Ada,Lovelace,Engineer,R&D,false', '2,bob@corp.example,Bob,Builder,,Sales,false', '3,cy@corp.example,Cy,Young,,R&D,false'].map((l) => `${l}\n`).join('');
const SCOPE = [[{ attribute: 'department', operator: 'EQUALS', value: 'R&D' }]];

const step = (report: ProvisionReport, objectIndex: number, name: string) => report.objects[objectIndex]!.steps.find((s) => s.name.startsWith(name))!;

function io() {
  const out: string[] = [];
  return { out, io: { out: (l: string) => out.push(l), err: () => undefined } };
}

describe('sync: provision on demand', () => {
  let scimd: ServedScimd;
  let files: Awaited<ReturnType<typeof tempDir>>;
  let state: Awaited<ReturnType<typeof stateStore>>;
  const config = (url: string, token: string, name = 'on-demand') => ({
    name,
    source: { type: 'csv', path: 'users.csv', key: 'id', softDeleted: { attribute: 'disabled' } },
    target: { url, token },
    users: { mappings: USER_MAPPINGS, scope: SCOPE },
    groups: { source: { type: 'csv', path: 'groups.csv', key: 'id', members: 'members' }, mappings: GROUP_MAPPINGS },
  });

  before(async () => {
    scimd = await startScimd();
    files = await tempDir();
    state = await stateStore();
    await files.write('users.csv', USERS);
    const many = Array.from({ length: 7 }, (_, i) => i + 10);
    await files.write('users-many.csv', USERS + many.map((i) => `${i},m${i}@corp.example,M,${i},,R&D,false\n`).join(''));
    await files.write('groups.csv', `id,name,members\ng1,Engineering,1;3\ng2,Everyone,${many.join(';')}\n`);
  });
  after(async () => {
    await state.close();
    await scimd.close();
    await files.remove();
  });

  it('creates a user by userName with all five steps, logs it, and leaves a link the next cycle keeps', async () => {
    const job = jobOf(config(scimd.url, scimd.token), files.dir);
    const report = await provisionOnDemand(job, { state: state.store.syncState, logs: state.store.syncLogs }, { user: 'ADA@corp.example' });
    assert.equal(report.status, 'success');
    const steps = report.objects[0]!.steps;
    assert.deepEqual(steps.map((s) => s.name), ['Test connection', 'Import user', 'Determine if in scope', 'Match user between source and target', 'Perform action']);
    assert.equal((step(report, 0, 'Import').details['attributes'] as Record<string, unknown>)['surname'], 'Lovelace');
    assert.deepEqual((step(report, 0, 'Determine').details['groups'] as unknown[])[0], { group: 1, clauses: [{ attribute: 'department', operator: 'EQUALS', value: 'R&D', actual: 'R&D', holds: true }] });
    const match = step(report, 0, 'Match');
    assert.match(match.description, /No target object matched/);
    assert.deepEqual((match.details['attempts'] as { candidates: unknown[]; filter: string }[])[0]?.candidates, []);
    const action = step(report, 0, 'Perform action');
    assert.equal(action.details['action'], 'Create');
    const post = (action.details['requests'] as { request: string; status: number; body: Record<string, unknown> }[]).find((r) => r.request === 'POST /Users')!;
    assert.equal(post.status, 201);
    assert.equal(post.body['userName'], 'ada@corp.example');
    assert.ok((action.details['modified'] as { name: string; after: unknown }[]).some((m) => m.name === 'title' && m.after === 'Engineer'));

    const logs = await state.store.syncLogs.query({ job: 'on-demand', limit: 10 });
    assert.equal(logs.length, 1);
    assert.equal(logs[0]!.runId, report.runId);
    assert.equal(logs[0]!.action, 'Create');

    // The scheduled cycle finds the link: ada is not created twice.
    const runner = createSyncRunner(job, { state: state.store.syncState });
    const summary = await runner.cycle();
    await runner.close();
    assert.equal(summary.created, 3, 'cy and the two groups (bob is out of scope)');
    assert.equal(summary.unchanged, 1, 'ada');
    assert.equal((await scimd.harness.call('GET', '/Users?filter=userName eq "ada@corp.example"')).json.totalResults, 1);
  });

  it('updates a linked user and shows the PATCH with before → after', async () => {
    await files.write('users.csv', USERS.replace('Engineer', 'Principal'));
    const job = jobOf(config(scimd.url, scimd.token), files.dir);
    const report = await provisionOnDemand(job, { state: state.store.syncState, logs: state.store.syncLogs }, { user: '1' });
    assert.match(step(report, 0, 'Match').description, /Linked to target object .* by an earlier cycle/);
    const action = step(report, 0, 'Perform action');
    assert.equal(action.details['action'], 'Update');
    assert.deepEqual(action.details['modified'], [{ name: 'title', before: 'Engineer', after: 'Principal' }]);
    const patch = (action.details['requests'] as { request: string; status: number }[]).find((r) => r.request.startsWith('PATCH /Users/'))!;
    assert.equal(patch.status, 200);
  });

  it('skips a user out of scope, showing the clause that failed, and fails an unknown one', async () => {
    const job = jobOf(config(scimd.url, scimd.token), files.dir);
    const report = await provisionOnDemand(job, { state: state.store.syncState }, { user: '2' });
    assert.equal(report.status, 'skipped');
    const scope = step(report, 0, 'Determine');
    assert.equal(scope.status, 'skipped');
    assert.deepEqual((scope.details['groups'] as { clauses: { actual: unknown; holds: boolean }[] }[])[0]?.clauses[0], { attribute: 'department', operator: 'EQUALS', value: 'R&D', actual: 'Sales', holds: false });
    assert.equal(step(report, 0, 'Perform action').status, 'skipped');

    const unknown = await provisionOnDemand(job, { state: state.store.syncState }, { user: 'nobody@corp.example' });
    assert.equal(unknown.status, 'failure');
    assert.match(step(unknown, 0, 'Import').description, /no source user has the key or userName "nobody@corp.example"/);
  });

  it('matches an existing target user and lists the candidate', async () => {
    const made = await scimd.harness.call('POST', '/Users', { body: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'm10@corp.example' } });
    assert.equal(made.status, 201, JSON.stringify(made.json));
    await files.write('users.csv', USERS.replace('Engineer', 'Principal') + '10,m10@corp.example,M,10,,R&D,false\n');
    const job = jobOf(config(scimd.url, scimd.token), files.dir);
    const report = await provisionOnDemand(job, { state: state.store.syncState }, { user: '10' });
    const attempts = step(report, 0, 'Match').details['attempts'] as { attribute: string; candidates: { userName: string }[] }[];
    assert.equal(attempts[0]?.attribute, 'userName');
    assert.deepEqual(attempts[0]?.candidates.map((c) => c.userName), ['m10@corp.example']);
    assert.equal(step(report, 0, 'Perform action').details['action'], 'Link');
  });

  it('provisions a group with its members, at most five of them', async () => {
    const job = jobOf({ ...config(scimd.url, scimd.token, 'groups-on-demand'), source: { type: 'csv', path: 'users-many.csv', key: 'id' } }, files.dir);
    const report = await provisionOnDemand(job, { state: state.store.syncState }, { group: 'Everyone' });
    assert.equal(report.status, 'success');
    assert.equal(report.membersLeftOut, 2);
    assert.deepEqual(report.objects.map((o) => `${o.objectType}:${o.sourceKey}`), ['User:10', 'User:11', 'User:12', 'User:13', 'User:14', 'Group:g2']);
    const group = (await scimd.harness.call('GET', '/Groups?filter=displayName eq "Everyone"')).json.Resources[0];
    assert.equal(group.members.length, 5);
  });

  it('stops at Test connection when the token is refused', async () => {
    const job = jobOf(config(scimd.url, 'wrong-token'), files.dir);
    const report = await provisionOnDemand(job, { state: state.store.syncState, logs: state.store.syncLogs }, { user: '1' });
    assert.equal(report.status, 'failure');
    assert.deepEqual(report.objects[0]!.steps.map((s) => [s.name, s.status]), [['Test connection', 'failure']]);
    assert.equal(report.objects[0]!.steps[0]!.details['status'], 401);
    const logged = await state.store.syncLogs.query({ job: 'on-demand', status: 'Failure', limit: 5 });
    assert.equal(logged[0]?.errorCode, 'TARGET_AUTH');
  });

  it('prints the steps from the CLI, and JSON with --json; usage errors are clear', async () => {
    const path = await files.write('job.json', JSON.stringify(config(scimd.url, scimd.token, 'cli-on-demand')));
    const db = ['--data-dir', join(files.dir, 'data')];
    const human = io();
    assert.equal(await syncCommand(['provision', '--config', path, '--user', 'cy@corp.example', ...db], human.io), 0);
    const text = human.out.join('\n');
    assert.match(text, /1\. ✔ Test connection/);
    assert.match(text, /3\. ✔ Determine if in scope: In scope/);
    assert.match(text, /scope group 1: department EQUALS R&D — value R&D → true/);
    assert.match(text, /5\. ✔ Perform action: Link target object/);
    assert.match(text, /GET \/Users\?filter=userName%20eq%20%22cy%40corp.example%22&count=2\n\s+→ 200/);
    const json = io();
    assert.equal(await syncCommand(['provision', '--config', path, '--user', '3', '--json', ...db], json.io), 0);
    assert.equal(JSON.parse(json.out.join('\n')).objects[0].steps[4].details.action, 'None');
    await assert.rejects(syncCommand(['provision', '--config', path, ...db], io().io), /give exactly one of --user/);
  });
});

describe('sync: provision on demand against SCIMMY', () => {
  let server: Server;
  let files: Awaited<ReturnType<typeof tempDir>>;
  let state: Awaited<ReturnType<typeof stateStore>>;
  const peer = createScimmyPeer({ token: 'peer-token' });

  before(async () => {
    server = peer.app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    files = await tempDir();
    state = await stateStore();
    await files.write('users.csv', USERS);
  });
  after(async () => {
    await new Promise((resolve) => server.close(resolve));
    await state.close();
    await files.remove();
  });

  it('creates, then updates, a user in SCIMMY with the requests shown', async () => {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/scim`;
    const make = () => jobOf({ name: 'peer', source: { type: 'csv', path: 'users.csv', key: 'id' }, target: { url, token: 'peer-token' }, users: { mappings: USER_MAPPINGS } }, files.dir);
    const created = await provisionOnDemand(make(), { state: state.store.syncState, logs: state.store.syncLogs }, { user: '2' });
    assert.equal(created.status, 'success', JSON.stringify(created.objects[0]?.steps.at(-1)));
    assert.equal(step(created, 0, 'Perform action').details['action'], 'Create');
    assert.equal([...peer.stores.User.values()].find((u) => u['userName'] === 'bob@corp.example')?.['title'], 'Staff');

    await files.write('users.csv', USERS.replace('2,bob@corp.example,Bob,Builder,,', '2,bob@corp.example,Bob,Builder,Manager,'));
    const updated = await provisionOnDemand(make(), { state: state.store.syncState, logs: state.store.syncLogs }, { user: 'bob@corp.example' });
    assert.deepEqual(step(updated, 0, 'Perform action').details['modified'], [{ name: 'title', before: 'Staff', after: 'Manager' }]);
    assert.equal([...peer.stores.User.values()].find((u) => u['userName'] === 'bob@corp.example')?.['title'], 'Manager');
    assert.equal((await state.store.syncLogs.query({ job: 'peer', limit: 10 })).length, 2);
  });
});
