/**
 * Interoperability: the engine provisions a second, independent SCIM server — SCIMMY with its
 * express routers (npm packages, started here on a socket) — from a CSV export: Test
 * Connection, initial cycle, idle cycle, a minimal PATCH, deactivation and member changes.
 */
import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createSyncRunner } from '../../src/sync/runner.ts';
import { GROUP_MAPPINGS, jobOf, stateStore, tempDir, USER_MAPPINGS } from './harness.ts';
import { createScimmyPeer, type Doc } from './scimmy-peer.ts';

const TOKEN = 'scimmy-secret';

/** An in-memory SCIMMY server for Users and Groups that records every request it receives. */
function scimmyApp() {
  const requests: { method: string; path: string; body: unknown }[] = [];
  const peer = createScimmyPeer({
    token: TOKEN,
    before: (req, _res, next) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => requests.push({ method: req.method, path: req.url, body: body === '' ? undefined : JSON.parse(body) }));
      next();
    },
  });
  return { ...peer, requests };
}

describe('sync: CSV → SCIMMY (an independent SCIM server)', () => {
  let server: Server;
  let url: string;
  let scimmy: ReturnType<typeof scimmyApp>;
  let state: Awaited<ReturnType<typeof stateStore>>;
  let files: Awaited<ReturnType<typeof tempDir>>;
  const HEADER = 'id,mail,givenName,surname,jobTitle,disabled\n';
  const runner = (token = TOKEN) =>
    createSyncRunner(
      jobOf(
        {
          name: 'to-scimmy',
          source: { type: 'csv', path: 'users.csv', key: 'id', softDeleted: { attribute: 'disabled' } },
          target: { url, token },
          users: { mappings: USER_MAPPINGS },
          groups: { source: { type: 'csv', path: 'groups.csv', key: 'id', members: 'members' }, mappings: GROUP_MAPPINGS },
        },
        files.dir,
      ),
      { state: state.store.syncState },
    );
  const userByName = (userName: string) => [...scimmy.stores.User.values()].find((u) => u.userName === userName);

  before(async () => {
    scimmy = scimmyApp();
    server = scimmy.app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/scim`;
    state = await stateStore();
    files = await tempDir();
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await state.close();
    await files.remove();
  });

  it('passes Test Connection, and reports a wrong token as such', async () => {
    assert.equal((await runner().testConnection()).ok, true);
    const bad = await runner('wrong').testConnection();
    assert.equal(bad.ok ? 'ok' : bad.reason, 'bad-token');
  });

  it('creates users and a group with members, then stays quiet', async () => {
    await files.write('users.csv', `${HEADER}1,ann@corp.example,Ann,Ash,Engineer,false\n2,ben@corp.example,Ben,Birch,,false\n`);
    await files.write('groups.csv', 'id,name,members\ng1,Staff,1;2\n');
    const summary = await runner().cycle();
    assert.equal(summary.status, 'succeeded', summary.error);
    assert.equal(summary.created, 3);
    const ann = userByName('ann@corp.example');
    assert.equal(ann?.['name']?.['givenName'], 'Ann');
    assert.equal(ann?.['displayName'], 'Ann Ash');
    assert.equal(ann?.['emails']?.[0]?.['value'], 'ann@corp.example');
    const staff = [...scimmy.stores.Group.values()][0];
    assert.deepEqual(staff?.['members']?.map((m: Doc) => m['value']).sort(), [ann?.['id'], userByName('ben@corp.example')?.['id']].sort());
    const idle = await runner().cycle();
    assert.equal(idle.requests, 0);
  });

  it('sends a minimal PATCH, deactivates, and removes a member', async () => {
    scimmy.requests.length = 0;
    await files.write('users.csv', `${HEADER}1,ann@corp.example,Ann,Ash,Architect,false\n2,ben@corp.example,Ben,Birch,,true\n`);
    await files.write('groups.csv', 'id,name,members\ng1,Staff,1\n');
    const summary = await runner().cycle();
    assert.equal(summary.status, 'succeeded', summary.error);
    assert.deepEqual([summary.updated, summary.disabled], [2, 1], 'ann and the group updated, ben deactivated');
    assert.equal(userByName('ann@corp.example')?.['title'], 'Architect');
    assert.equal(userByName('ben@corp.example')?.['active'], false);
    const patches = scimmy.requests.filter((r) => r.method === 'PATCH').map((r) => (r.body as Doc)['Operations']);
    assert.deepEqual(patches[0], [{ op: 'replace', path: 'title', value: 'Architect' }]);
    assert.deepEqual(patches[1], [{ op: 'replace', path: 'active', value: false }]);
    const staff = [...scimmy.stores.Group.values()][0];
    assert.deepEqual(staff?.['members']?.map((m: Doc) => m['value']), [userByName('ann@corp.example')?.['id']]);
  });
});
