/**
 * Replays Okta's provisioning traffic (docs/clients.md §6.2, O01–O33) against the
 * in-process app with Okta's headers (gzip accepted, `%20`-encoded filters), reading the stored
 * state back after every change. Runs on SQLite, and on PostgreSQL when reachable.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SYSTEM_ACTOR } from '../../src/services/organizations.ts';
import { testDialects } from '../store/harness.ts';
import type { CallResult } from '../http/harness.ts';
import { OKTA_HEADERS, body, q, replayClient, type ReplayClient } from './replay.ts';

const LIST = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
const ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

function assertListIntegers(json: CallResult['json']) {
  assert.deepEqual(json.schemas, [LIST]);
  for (const field of ['totalResults', 'startIndex', 'itemsPerPage']) assert.ok(Number.isInteger(json[field]), field);
  assert.ok(Array.isArray(json.Resources));
}

const assertPatched = (status: number) => assert.ok(status === 200 || status === 204, `answered ${status}`);

for (const dialect of await testDialects()) {
  describe(`Okta replay on ${dialect.name}`, () => {
    let okta: ReplayClient;
    const s: Record<string, string> = {};
    const get = async (path: string) => (await okta.send('GET', path)).json;
    const stored = (id: string) => okta.harness.store.users.get(okta.harness.orgId, id);
    const members = async () =>
      (await okta.harness.store.groups.listMembers(okta.harness.orgId, s['gid']!, { limit: 100 })).map((m) => m.value).sort();

    before(async () => {
      okta = await replayClient(dialect, OKTA_HEADERS);
      // Runscope precondition: the app already holds one user.
      const seeded = await okta.send('POST', '/Users', {
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
        userName: 'seed@okta.local',
        name: { givenName: 'Seed', familyName: 'User' },
        emails: [{ primary: true, type: 'work', value: 'seed@okta.local' }],
        active: true,
      });
      s['seed'] = seeded.json.id;
    });
    after(() => okta.harness.close());

    describe('configuration and user lifecycle (O01–O16)', () => {
      it('O01 answers the credentials test with integer paging fields and at most 2 users', async () => {
        const json = await get('/Users?startIndex=1&count=2');
        assertListIntegers(json);
        assert.ok(json.Resources.length <= 2);
      });
      it('O02 answers the group import test with a ListResponse', async () => {
        assertListIntegers(await get('/Groups?startIndex=1&count=100'));
      });
      it('O03 returns the first user with the fields Runscope checks', async () => {
        const first = (await get('/Users?count=1&startIndex=1')).Resources[0];
        for (const value of [first.id, first.name.givenName, first.name.familyName, first.userName, first.emails[0].value]) assert.ok(value);
        assert.equal(typeof first.active, 'boolean');
        s['o03'] = first.id;
      });
      it('O04 reads that user by id', async () => {
        assert.equal((await get(`/Users/${s['o03']}`)).id, s['o03']);
      });
      it('O05 answers the pre-create lookup with totalResults 0', async () => {
        const json = await get('/Users?filter=userName%20eq%20%22test.user%40okta.local%22&startIndex=1&count=100');
        assert.equal(json.totalResults, 0);
      });
      it('O06 answers an unknown id with 404, a detail and the Error schema', async () => {
        const result = await okta.send('GET', '/Users/010101001010101011001010101011');
        assert.equal(result.status, 404);
        assert.ok(result.json.detail.length > 0);
        assert.deepEqual(result.json.schemas, [ERROR]);
      });
      it('O07 creates the user with 201, echoes it and never returns the password', async () => {
        const result = await okta.send('POST', '/Users', body('B-O1'));
        assert.equal(result.status, 201);
        assert.equal(result.json.active, true);
        assert.equal(result.json.userName, 'test.user@okta.local');
        assert.deepEqual(result.json.name, { givenName: 'Test', familyName: 'User' });
        assert.equal('password' in result.json, false);
        s['user'] = result.json.id;
        assert.equal('password' in (await stored(s['user']!))!.resource, false);
      });
      it('O08 answers the same create with 409', async () => {
        const result = await okta.send('POST', '/Users', body('B-O1'));
        assert.equal(result.status, 409);
        assert.deepEqual(result.json.schemas, [ERROR]);
      });
      it('O09 finds the user by the upper-cased userName', async () => {
        assert.equal((await get(`/Users?filter=${q('userName eq "TEST.USER@OKTA.LOCAL"')}`)).totalResults, 1);
      });
      it('O10 replaces the user with a PUT carrying id, meta and groups', async () => {
        const before = await get(`/Users/${s['user']}`);
        const result = await okta.send('PUT', `/Users/${s['user']}`, body('B-O2', { id: s['user']! }));
        assert.equal(result.status, 200, result.text);
        assert.equal(result.json.id, s['user']);
        assert.equal(result.json.name.middleName, 'Excited');
        assert.equal(result.json.meta.created, before.meta.created);
        const name = (await stored(s['user']!))?.resource['name'] as Record<string, string> | undefined;
        assert.equal(name?.['givenName'], 'Another');
      });
      it('O11 deactivates with a no-path replace and answers 200 with active false', async () => {
        const result = await okta.send('PATCH', `/Users/${s['user']}`, body('B-O3'));
        assert.equal(result.status, 200);
        assert.equal(result.json.active, false);
        assert.equal((await stored(s['user']!))?.active, false);
      });
      it('O12 still finds the deactivated user', async () => {
        const json = await get(`/Users?filter=${q('userName eq "test.user@okta.local"')}`);
        assert.equal(json.totalResults, 1);
        assert.equal(json.Resources[0].active, false);
      });
      it('O13 reactivates with a no-path replace', async () => {
        assertPatched((await okta.send('PATCH', `/Users/${s['user']}`, body('B-O4'))).status);
        assert.equal((await stored(s['user']!))?.active, true);
      });
      it('O14 accepts a password change and never echoes it', async () => {
        const result = await okta.send('PATCH', `/Users/${s['user']}`, body('B-O5'));
        assertPatched(result.status);
        assert.equal(result.text.includes('N3wPassw0rd!'), false);
        assert.equal('password' in (await get(`/Users/${s['user']}`)), false);
      });
      it('O15 deactivates with a full PUT (App Integration Wizard)', async () => {
        const payload = { ...(body('B-O2', { id: s['user']! }) as object), active: false };
        const result = await okta.send('PUT', `/Users/${s['user']}`, payload);
        assert.equal(result.status, 200);
        assert.equal(result.json.active, false);
        assert.equal((await stored(s['user']!))?.active, false);
      });
      it('O16 stores and returns an extension attribute sent at create', async () => {
        const payload = {
          ...(body('B-O1') as object),
          userName: 'extended.user@okta.local',
          externalId: '00ujl29u0le5T6Aj10h8',
          [ENTERPRISE]: { department: 'Sales' },
          userType: 'Contractor',
        };
        const result = await okta.send('POST', '/Users', payload);
        assert.equal(result.status, 201, result.text);
        assert.equal(result.json[ENTERPRISE].department, 'Sales');
        assert.equal(result.json.userType, 'Contractor');
        assert.equal(((await stored(result.json.id))!.resource[ENTERPRISE] as Record<string, string>)['department'], 'Sales');
        s['u2'] = result.json.id;
      });
    });

    describe('Push Groups (O17–O28)', () => {
      it('O17 answers the existence check with 0 results', async () => {
        assert.equal((await get('/Groups?filter=displayName%20eq%20%22Test%20SCIMv2%22&startIndex=1&count=100')).totalResults, 0);
      });
      it('O18 creates the group with 201 and no members', async () => {
        const result = await okta.send('POST', '/Groups', body('B-O8'));
        assert.equal(result.status, 201);
        assert.ok(result.json.id);
        assert.ok(result.json.members === undefined || result.json.members.length === 0);
        s['gid'] = result.json.id;
      });
      it('O19 finds the group by its lower-cased name', async () => {
        assert.equal((await get(`/Groups?filter=${q('displayName eq "test scimv2"')}`)).totalResults, 1);
      });
      it('O20–O21 accepts the rename carrying the group id, twice, without a mutability error', async () => {
        for (let i = 0; i < 2; i += 1) {
          const result = await okta.send('PATCH', `/Groups/${s['gid']}`, body('B-O9', { gid: s['gid']! }));
          assertPatched(result.status);
        }
        assert.equal((await get(`/Groups/${s['gid']}`)).displayName, 'Test SCIMv2');
      });
      it('O22 adds a member', async () => {
        assertPatched((await okta.send('PATCH', `/Groups/${s['gid']}`, body('B-O10', { u1: s['user']! }))).status);
        assert.deepEqual(await members(), [s['user']]);
        const member = (await get(`/Groups/${s['gid']}`)).members[0];
        assert.equal(member.value, s['user']);
      });
      it('O23 applies a remove and an add in one request', async () => {
        assertPatched((await okta.send('PATCH', `/Groups/${s['gid']}`, body('B-O11', { u1: s['user']!, u2: s['u2']! }))).status);
        assert.deepEqual(await members(), [s['u2']]);
      });
      it('O24 replaces the whole member list', async () => {
        assertPatched((await okta.send('PATCH', `/Groups/${s['gid']}`, body('B-O12', { u1: s['user']!, u2: s['u2']! }))).status);
        assert.deepEqual(await members(), [s['user'], s['u2']].sort());
      });
      it('O25 removes a non-member idempotently', async () => {
        assertPatched((await okta.send('PATCH', `/Groups/${s['gid']}`, body('B-O13', { 'not-a-member': s['seed']! }))).status);
        assert.equal((await members()).length, 2);
      });
      it('O26 replaces the group and its members with PUT', async () => {
        const result = await okta.send('PUT', `/Groups/${s['gid']}`, body('B-O14', { u1: s['user']! }));
        assert.equal(result.status, 200);
        assert.deepEqual(result.json.members.map((m: { value: string }) => m.value), [s['user']]);
        assert.deepEqual(await members(), [s['user']]);
      });
      it('O27 reads the group with members as {value, display}', async () => {
        const group = await get(`/Groups/${s['gid']}`);
        assert.equal(group.members.length, 1);
        assert.equal(group.members[0].value, s['user']);
        assert.ok(group.members[0].display === undefined || typeof group.members[0].display === 'string');
      });
      it('O28 deletes the group with 204', async () => {
        assert.equal((await okta.send('DELETE', `/Groups/${s['gid']}`)).status, 204);
        assert.equal(await okta.harness.store.groups.get(okta.harness.orgId, s['gid']!), undefined);
      });
    });

    describe('imports, auth and headers (O29–O33)', () => {
      it('O29–O30 pages 150 users in two stable pages and treats startIndex 0 as 1', async () => {
        const org = await okta.harness.orgs.create(SYSTEM_ACTOR, { name: 'Import Corp' });
        const token = await okta.harness.newKey({ description: 'okta import' }, org.id);
        const call = (method: string, path: string, payload?: unknown) =>
          okta.harness.call(method, path, { token, headers: { ...OKTA_HEADERS }, ...(payload === undefined ? {} : { body: payload }) });
        for (let i = 0; i < 150; i += 1) {
          const created = await call('POST', '/Users', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: `import${i}@okta.local` });
          assert.equal(created.status, 201);
        }
        const first = (await call('GET', '/Users?startIndex=1&count=100')).json;
        const second = (await call('GET', '/Users?startIndex=101&count=100')).json;
        assert.deepEqual([first.Resources.length, second.Resources.length, first.totalResults, second.totalResults], [100, 50, 150, 150]);
        const ids = [...first.Resources, ...second.Resources].map((r: { id: string }) => r.id);
        assert.equal(new Set(ids).size, 150);
        const zero = (await call('GET', '/Users?startIndex=0&count=100')).json;
        assert.equal(zero.startIndex, 1);
        assert.deepEqual(zero.Resources.map((r: { id: string }) => r.id), first.Resources.map((r: { id: string }) => r.id));
      });
      it('O31 lists groups without parameters within 600 ms', async () => {
        const started = performance.now();
        const result = await okta.send('GET', '/Groups');
        assert.equal(result.status, 200);
        assert.ok(performance.now() - started < 600);
      });
      it('O32 answers a bad token with 401', async () => {
        const result = await okta.harness.call('GET', '/Users', { token: 'scimd_invalid', headers: { ...OKTA_HEADERS } });
        assert.equal(result.status, 401);
      });
      it('O33 creates a user with Okta\'s Accept, Accept-Charset, Accept-Encoding and Connection headers', async () => {
        const result = await okta.send('POST', '/Users', { ...(body('B-O1') as object), userName: 'o33.user@okta.local', externalId: 'o33' });
        assert.equal(result.status, 201);
        assert.equal(result.json.userName, 'o33.user@okta.local');
        assert.match(result.headers.get('content-type') ?? '', /^application\/scim\+json/);
      });
    });
  });
}
