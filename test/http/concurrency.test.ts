/**
 * Concurrent writes of one resource on every database: without If-Match, parallel PATCH / PUT /
 * DELETE of one user or group serialise (the last write wins, nobody sees a 412 they did not ask
 * for); with If-Match exactly one writer of a version succeeds and the others get 412. On
 * PostgreSQL the same holds for two app instances over two stores on one database.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Hono } from 'hono';
import { createApp, type AppDeps } from '../../src/http/app.ts';
import type { AppEnv } from '../../src/http/env.ts';
import { createSchemaRegistry } from '../../src/core/schema/registry.ts';
import { createGroupService } from '../../src/services/scim-groups.ts';
import { createUserService } from '../../src/services/scim-users.ts';
import type { SqlStore } from '../../src/store/sql/sql-store.ts';
import { BASE, SCIM_JSON, TEST_LIMITS, createHarness, readResult, testDialects, type CallResult, type Harness } from './harness.ts';

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const PARALLEL = 32;

const patchOf = (...Operations: unknown[]) => ({ schemas: [PATCH], Operations });
const statuses = (results: readonly CallResult[]) => results.map((r) => r.status).sort((a, b) => a - b);
const times = <T>(n: number, fn: (i: number) => Promise<T>): Promise<T[]> => Promise.all(Array.from({ length: n }, (_, i) => fn(i)));

for (const dialect of await testDialects()) {
  describe(`concurrent writes of one resource on ${dialect.name}`, () => {
    let h: Harness;
    let deps: AppDeps | undefined;
    before(async () => {
      h = await createHarness({
        dialect,
        overrides: (d) => {
          deps = d;
          return {};
        },
      });
    });
    after(() => h.close());

    async function newUser(userName: string): Promise<string> {
      const created = await h.call('POST', '/Users', { body: { schemas: [USER], userName } });
      assert.equal(created.status, 201, created.text);
      return created.json.id as string;
    }

    async function newGroup(displayName: string, members: readonly string[] = []): Promise<string> {
      const created = await h.call('POST', '/Groups', { body: { schemas: [GROUP], displayName, members: members.map((value) => ({ value })) } });
      assert.equal(created.status, 201, created.text);
      return created.json.id as string;
    }

    it(`serialises ${PARALLEL} parallel PATCHes of one user without If-Match: all 200, one version per write`, async () => {
      const id = await newUser('race-patch@example.com');
      const results = await times(PARALLEL, (i) =>
        h.call('PATCH', `/Users/${id}`, { body: patchOf({ op: 'replace', path: 'displayName', value: `Writer ${i}` }) }),
      );
      assert.deepEqual(statuses(results), Array(PARALLEL).fill(200), results.find((r) => r.status !== 200)?.text);
      const versions = results.map((r) => r.headers.get('etag')).sort();
      assert.equal(new Set(versions).size, PARALLEL, 'every write produced its own version');
      const read = await h.call('GET', `/Users/${id}`);
      assert.equal(read.headers.get('etag'), `W/"${PARALLEL + 1}"`);
      const last = results.find((r) => r.headers.get('etag') === `W/"${PARALLEL + 1}"`);
      assert.equal(read.json.displayName, last?.json.displayName, 'the last write won');
    });

    it(`serialises ${PARALLEL} parallel PUTs of one user without If-Match`, async () => {
      const id = await newUser('race-put@example.com');
      const results = await times(PARALLEL, (i) =>
        h.call('PUT', `/Users/${id}`, { body: { schemas: [USER], userName: 'race-put@example.com', displayName: `Put ${i}` } }),
      );
      assert.deepEqual(statuses(results), Array(PARALLEL).fill(200), results.find((r) => r.status !== 200)?.text);
      assert.equal((await h.call('GET', `/Users/${id}`)).headers.get('etag'), `W/"${PARALLEL + 1}"`);
    });

    it(`serialises ${PARALLEL} parallel renames and member adds of one group without If-Match`, async () => {
      const members = await times(PARALLEL, (i) => newUser(`member-${i}@example.com`));
      const id = await newGroup('Race group');
      const results = await times(PARALLEL, (i) =>
        h.call('PATCH', `/Groups/${id}`, {
          body: patchOf(
            { op: 'replace', path: 'displayName', value: `Race group ${i}` },
            { op: 'add', path: 'members', value: [{ value: members[i] }] },
          ),
        }),
      );
      assert.deepEqual(statuses(results), Array(PARALLEL).fill(204), results.find((r) => r.status !== 204)?.text);
      const read = await h.call('GET', `/Groups/${id}`);
      assert.equal(read.headers.get('etag'), `W/"${PARALLEL + 1}"`);
      assert.equal(read.json.members.length, PARALLEL, 'no member add was lost');
      const puts = await times(8, (i) => h.call('PUT', `/Groups/${id}`, { body: { schemas: [GROUP], displayName: `Put group ${i}` } }));
      assert.deepEqual(statuses(puts), Array(8).fill(200), puts.find((r) => r.status !== 200)?.text);
    });

    it('lets exactly one of the parallel writers holding the same If-Match version win; the others get 412', async () => {
      const id = await newUser('race-ifmatch@example.com');
      const results = await times(8, (i) =>
        h.call('PATCH', `/Users/${id}`, {
          headers: { 'If-Match': 'W/"1"' },
          body: patchOf({ op: 'replace', path: 'displayName', value: `Conditional ${i}` }),
        }),
      );
      assert.deepEqual(statuses(results), [200, ...Array(7).fill(412)]);
      for (const lost of results.filter((r) => r.status === 412)) assert.match(lost.json.detail, /current version is W\/"2"/);
      const gid = await newGroup('Conditional group');
      const renames = await times(8, (i) =>
        h.call('PUT', `/Groups/${gid}`, { headers: { 'If-Match': 'W/"1"' }, body: { schemas: [GROUP], displayName: `Conditional ${i}` } }),
      );
      assert.deepEqual(statuses(renames), [200, ...Array(7).fill(412)]);
    });

    it('answers parallel DELETEs of one user with one 204 and 404 for the rest, and PATCHes racing them with 200 or 404', async () => {
      const id = await newUser('race-delete@example.com');
      const results = await Promise.all([
        ...Array.from({ length: 8 }, () => h.call('DELETE', `/Users/${id}`)),
        ...Array.from({ length: 8 }, (_, i) => h.call('PATCH', `/Users/${id}`, { body: patchOf({ op: 'replace', path: 'active', value: i % 2 === 0 }) })),
      ]);
      const deletes = statuses(results.slice(0, 8));
      assert.deepEqual(deletes, [204, ...Array(7).fill(404)]);
      for (const r of results.slice(8)) assert.ok(r.status === 200 || r.status === 404, `${r.status} ${r.text}`);
      assert.equal((await h.call('GET', `/Users/${id}`)).status, 404);
    });

    if (dialect.name === 'postgres') {
      it('serialises the writes of two app instances over two stores on one database', async () => {
        assert.ok(deps, 'the harness handed out its dependencies');
        const peer = dialect.peer!(h.store as SqlStore);
        try {
          const registry = createSchemaRegistry();
          const second: Hono<AppEnv> = createApp({
            ...deps,
            store: peer,
            users: createUserService({ store: peer, schemasFor: () => registry.user }),
            groups: createGroupService({ store: peer, schemasFor: () => registry.group, maxMembersReturned: TEST_LIMITS.maxMembersReturned }),
          });
          const viaSecond = async (method: string, path: string, body: unknown) =>
            readResult(
              await second.request(
                `${BASE}${path}`,
                { method, headers: { Authorization: `Bearer ${h.token}`, 'Content-Type': SCIM_JSON }, body: JSON.stringify(body) },
                { incoming: { socket: { remoteAddress: '127.0.0.1' } } },
              ),
            );
          const id = await newUser('two-servers@example.com');
          const results = await times(PARALLEL, (i) => {
            const body = patchOf({ op: 'replace', path: 'displayName', value: `Server ${i % 2} write ${i}` });
            return i % 2 === 0 ? h.call('PATCH', `/Users/${id}`, { body }) : viaSecond('PATCH', `/Users/${id}`, body);
          });
          assert.deepEqual(statuses(results), Array(PARALLEL).fill(200), results.find((r) => r.status !== 200)?.text);
          assert.equal((await h.call('GET', `/Users/${id}`)).headers.get('etag'), `W/"${PARALLEL + 1}"`);
        } finally {
          await peer.close();
        }
      });
    }
  });
}
