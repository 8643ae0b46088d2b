/**
 * Interoperability: the engine provisions a second, independent SCIM server — SCIMMY with its
 * express routers (npm packages, started here on a socket) — from a CSV export: Test
 * Connection, initial cycle, idle cycle, a minimal PATCH, deactivation and member changes.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import express from 'express';
import SCIMMY from 'scimmy';
import SCIMMYRouters from 'scimmy-routers';
import { createSyncRunner } from '../../src/sync/runner.ts';
import { GROUP_MAPPINGS, jobOf, stateStore, tempDir, USER_MAPPINGS } from './harness.ts';

type Doc = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const TOKEN = 'scimmy-secret';

/** The handler chain SCIMMY.Resources.declare returns, typed once for both resources. */
interface Declared {
  egress(handler: (resource: Doc) => unknown): Declared;
  ingress(handler: (resource: Doc, instance: Doc) => unknown): Declared;
  degress(handler: (resource: Doc) => unknown): Declared;
}

/** An in-memory SCIMMY server for Users and Groups. */
function scimmyApp() {
  const stores = { User: new Map<string, Doc>(), Group: new Map<string, Doc>() };
  const requests: { method: string; path: string; body: unknown }[] = [];
  for (const [name, resource] of [['User', SCIMMY.Resources.User], ['Group', SCIMMY.Resources.Group]] as const) {
    const store = stores[name];
    (SCIMMY.Resources.declare(resource) as unknown as Declared)
      .egress((res: Doc) => {
        if (res.id) {
          const found = store.get(res.id);
          if (found === undefined) throw new SCIMMY.Types.Error(404, null as never, `${name} ${res.id} not found`);
          return found;
        }
        const all = [...store.values()];
        return res.filter ? res.filter.match(all) : all;
      })
      .ingress((res: Doc, instance: Doc) => {
        const unique = name === 'User' ? 'userName' : 'displayName';
        const clash = [...store.values()].find((d) => d.id !== res.id && String(d[unique]).toLowerCase() === String(instance[unique]).toLowerCase());
        if (clash) throw new SCIMMY.Types.Error(409, 'uniqueness', `${unique} taken`);
        const id = res.id ?? randomUUID();
        const now = new Date().toISOString();
        const doc = { ...JSON.parse(JSON.stringify(instance)), id, meta: { created: store.get(id)?.meta?.created ?? now, lastModified: now } };
        store.set(id, doc);
        return doc;
      })
      .degress((res: Doc) => {
        store.delete(res.id);
      });
  }
  const app = express();
  app.use((req, _res, next) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => requests.push({ method: req.method, path: req.url, body: body === '' ? undefined : JSON.parse(body) }));
    next();
  });
  app.use(
    '/scim',
    new SCIMMYRouters({
      type: 'bearer',
      docUri: 'https://example.test/auth',
      handler: (request: express.Request) => {
        if (request.header('Authorization') !== `Bearer ${TOKEN}`) throw new Error('Authorization failed');
        return 'sync';
      },
    }),
  );
  return { app, stores, requests };
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
