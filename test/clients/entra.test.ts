/**
 * Replays Microsoft Entra ID's provisioning traffic (docs/clients.md §6.1, E01–E51) against
 * the in-process app, with Entra's headers, `+`-encoded filters and capitalised PATCH ops, and
 * reads the stored state back after every change. Runs on SQLite, and on PostgreSQL when reachable.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { testDialects } from '../store/harness.ts';
import { createHarness, type CallResult } from '../http/harness.ts';
import { ENTRA_HEADERS, body, q, replayClient, type ReplayClient } from './replay.ts';

const LIST = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
const ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const PROBE = '3fd9c1a2-5f7e-4c1e-9d6b-1b2c3d4e5f60';

function assertEmptyList(result: CallResult) {
  assert.equal(result.status, 200);
  assert.deepEqual(result.json.schemas, [LIST]);
  assert.equal(result.json.totalResults, 0);
  assert.deepEqual(result.json.Resources, []);
  assert.match(result.headers.get('content-type') ?? '', /^application\/scim\+json/);
}

function assertPatched(result: { status: number }) {
  assert.ok(result.status === 200 || result.status === 204, `PATCH answered ${result.status}`);
}

for (const dialect of await testDialects()) {
  describe(`Entra ID replay on ${dialect.name}`, () => {
    let entra: ReplayClient;
    const s: Record<string, string> = {};
    const get = async (path: string) => (await entra.send('GET', path)).json;
    /** A fresh user from B-E1 with its own userName/externalId (B-E1'), plus `extra` attributes. */
    const freshUser = async (tag: string, extra: Record<string, unknown> = {}) => {
      const created = await entra.send('POST', '/Users', { ...(body('B-E1') as object), userName: `${tag}@testuser.com`, externalId: `ext-${tag}`, ...extra });
      assert.equal(created.status, 201, created.text);
      return created.json.id as string;
    };

    before(async () => {
      entra = await replayClient(dialect, ENTRA_HEADERS);
    });
    after(() => entra.harness.close());

    describe('Test Connection probes (E01–E04)', () => {
      it('E01 answers a userName probe for a random GUID with an empty ListResponse', async () => {
        assertEmptyList(await entra.send('GET', `/Users?filter=${q(`userName eq "${PROBE}"`)}`));
      });
      it('E02 decodes a plus-encoded filter the same way', async () => {
        assertEmptyList(await entra.send('GET', `/Users?filter=userName+eq+%22${PROBE}%22`));
      });
      it('E03 answers an externalId probe with 0 results', async () => {
        assertEmptyList(await entra.send('GET', `/Users?filter=${q('externalId eq "jyoung"')}`));
      });
      it('E04 answers an emails[type eq "work"].value probe with 0 results, not 400', async () => {
        assertEmptyList(await entra.send('GET', `/Users?filter=${q('emails[type eq "work"].value eq "nobody@contoso.com"')}`));
      });
    });

    describe('user lifecycle (E05–E13)', () => {
      it('E05 creates the user with 201 and echoes what was stored', async () => {
        const result = await entra.send('POST', '/Users', body('B-E1'));
        assert.equal(result.status, 201);
        assert.ok(typeof result.json.id === 'string' && result.json.id !== '');
        assert.equal(result.json.userName, 'Test_User_00aa00aa@testuser.com');
        assert.equal(result.json.externalId, '0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef');
        assert.equal(result.json.active, true);
        assert.deepEqual(result.json.emails, [{ primary: true, type: 'work', value: 'Test_User_11bb11bb@testuser.com' }]);
        assert.equal(result.json.meta.resourceType, 'User');
        assert.ok(result.json.meta.created);
        s['e05'] = result.json.id;
        const stored = await entra.harness.store.users.get(entra.harness.orgId, s['e05']!);
        assert.equal(stored?.userName, 'Test_User_00aa00aa@testuser.com');
      });
      it('E06 accepts the legacy body with nulls, a malformed URN and "active": "True"', async () => {
        const result = await entra.send('POST', '/Users', body('B-E2'));
        assert.equal(result.status, 201, result.text);
        assert.equal(result.json.active, true);
        for (const key of ['addresses', 'phoneNumbers', 'preferredLanguage', 'title', 'department', 'manager']) assert.equal(key in result.json, false, key);
        s['e06'] = result.json.id;
        assert.equal((await entra.harness.store.users.get(entra.harness.orgId, s['e06']!))?.active, true);
      });
      it('E07 answers a duplicate userName with 409 uniqueness', async () => {
        const result = await entra.send('POST', '/Users', body('B-E1'));
        assert.equal(result.status, 409);
        assert.deepEqual(result.json.schemas, [ERROR]);
        assert.equal(result.json.scimType, 'uniqueness');
      });
      it('E08 finds the user by userName', async () => {
        const list = await get(`/Users?filter=${q('userName eq "Test_User_00aa00aa@testuser.com"')}`);
        assert.equal(list.totalResults, 1);
        assert.equal(list.Resources[0].id, s['e05']!);
      });
      it('E09 finds the user by the upper-cased userName', async () => {
        assert.equal((await get(`/Users?filter=${q('userName eq "TEST_USER_00AA00AA@TESTUSER.COM"')}`)).totalResults, 1);
      });
      it('E10 does not find it by the upper-cased externalId (caseExact)', async () => {
        assert.equal((await get(`/Users?filter=${q('externalId eq "0A21F0F2-8D2A-4F8E-BF98-7363C4AED4EF"')}`)).totalResults, 0);
      });
      it('E11 accepts attribute names and operators in any case', async () => {
        assert.equal((await get(`/Users?filter=${q('UserName EQ "Test_User_00aa00aa@testuser.com"')}`)).totalResults, 1);
      });
      it('E12 reads the user by id', async () => {
        const result = await entra.send('GET', `/Users/${s['e05']}`);
        assert.equal(result.status, 200);
        assert.equal(result.json.id, s['e05']!);
      });
      it('E13 answers an unknown id with a 404 SCIM error', async () => {
        const result = await entra.send('GET', '/Users/5171a35d82074e068ce2');
        assert.equal(result.status, 404);
        assert.deepEqual(result.json.schemas, [ERROR]);
      });
    });

    describe('PATCH family (E14–E31)', () => {
      it('E14 applies the legacy multi-replace and leaves other emails alone', async () => {
        const id = await freshUser('e14', { emails: [{ type: 'work', value: 'w@x.com', primary: true }, { type: 'home', value: 'h@x.com' }] });
        assertPatched(await entra.send('PATCH', `/Users/${id}`, body('B-E3')));
        const user = await get(`/Users/${id}`);
        assert.deepEqual(user.emails, [{ type: 'work', value: 'updatedEmail@microsoft.com', primary: true }, { type: 'home', value: 'h@x.com' }]);
        assert.equal(user.name.familyName, 'updatedFamilyName');
        assert.equal(user[ENTERPRISE].employeeNumber, 'Eqpj');
      });
      it('E15 creates a work email with Add on a user without emails', async () => {
        const id = await freshUser('e15', { emails: undefined });
        assertPatched(await entra.send('PATCH', `/Users/${id}`, body('B-E4')));
        const user = await get(`/Users/${id}`);
        assert.equal(user.emails.length, 1);
        assert.equal(user.emails[0].type, 'work');
        assert.equal(user.emails[0].value, 'x@contoso.com');
      });
      it('E16 merges three Add address sub-attribute ops into one work address', async () => {
        const id = await freshUser('e16');
        assertPatched(await entra.send('PATCH', `/Users/${id}`, body('B-E5')));
        const user = await get(`/Users/${id}`);
        assert.deepEqual(user.addresses, [{ type: 'work', formatted: 'USZLTUSJXBYV', locality: 'OSGODHEVDCVD', region: 'YMVMOEMXAYGD' }]);
      });
      it('E17 replaces the work email and keeps the home email', async () => {
        const id = await freshUser('e17', { emails: [{ type: 'work', value: 'john@work.com', primary: true }, { type: 'home', value: 'john@home.com' }] });
        assertPatched(await entra.send('PATCH', `/Users/${id}`, body('B-E6')));
        const user = await get(`/Users/${id}`);
        assert.deepEqual(user.emails.map((e: { value: string }) => e.value), ['updated@work.com', 'john@home.com']);
      });
      it('E18–E23 deactivates and reactivates with every string and boolean shape, and a disabled user stays findable', async () => {
        const id = await freshUser('e18');
        const activeAfter = async (name: string) => {
          assertPatched(await entra.send('PATCH', `/Users/${id}`, body(name)));
          return (await get(`/Users/${id}`)).active;
        };
        assert.equal(await activeAfter('B-E7'), false);
        const found = await get(`/Users?filter=${q('userName eq "e18@testuser.com"')}`);
        assert.equal(found.totalResults, 1, 'E21');
        assert.equal(found.Resources[0].active, false);
        assert.equal(await activeAfter('B-E10'), true, 'E22');
        assert.equal(await activeAfter('B-E8'), false, 'E19');
        assert.equal(await activeAfter('B-E10'), true);
        assert.equal(await activeAfter('B-E9'), false, 'E20');
        assert.equal(await activeAfter('B-E10'), true);
        assert.equal(await activeAfter('B-E11'), false, 'E23');
        assert.equal((await entra.harness.store.users.get(entra.harness.orgId, id))?.active, false);
      });
      it('E24 expands dotted and URN keys of a no-path replace into attributes', async () => {
        const id = await freshUser('e24');
        assertPatched(await entra.send('PATCH', `/Users/${id}`, body('B-E12')));
        const user = await get(`/Users/${id}`);
        assert.equal(user.displayName, 'Bjfe');
        assert.equal(user.name.givenName, 'Kkom');
        assert.equal(user.name.familyName, 'Unua');
        assert.equal(user[ENTERPRISE].employeeNumber, 'Aklq');
        assert.equal(user.emails[0].value, 'TestMhvaes@test.microsoft.com');
        const stored = await entra.harness.store.users.get(entra.harness.orgId, id);
        assert.equal(JSON.stringify(stored?.resource).includes('"name.givenName"'), false);
      });
      it('E25–E27 accepts the manager as a string and as an array, returns it as an object, and removes it', async () => {
        const id = await freshUser('e25');
        assertPatched(await entra.send('PATCH', `/Users/${id}`, body('B-E13')));
        assert.deepEqual((await get(`/Users/${id}`))[ENTERPRISE].manager, { value: '2c2f6fb8-254f-492e-b7fe-c09c5a61c8a2' });
        assertPatched(await entra.send('PATCH', `/Users/${id}`, body('B-E14')));
        assert.equal((await get(`/Users/${id}`))[ENTERPRISE].manager.value, '00aa00aa');
        assertPatched(await entra.send('PATCH', `/Users/${id}`, body('B-E15')));
        assert.equal((await get(`/Users/${id}`))[ENTERPRISE]?.manager, undefined);
      });
      it('E28 renames the userName so the new name is found and the old one is not', async () => {
        const id = await freshUser('e28');
        assertPatched(await entra.send('PATCH', `/Users/${id}`, body('B-E16')));
        assert.equal((await get(`/Users?filter=${q('userName eq "5b50642d-79fc-4410-9e90-4c077cdd1a59@testuser.com"')}`)).Resources[0].id, id);
        assert.equal((await get(`/Users?filter=${q('userName eq "e28@testuser.com"')}`)).totalResults, 0);
      });
      it('E29 accepts a capitalised sub-attribute in a filtered path', async () => {
        const id = await freshUser('e29');
        assertPatched(await entra.send('PATCH', `/Users/${id}`, body('B-E17')));
        const emails = (await get(`/Users/${id}`)).emails;
        assert.ok(emails.some((e: { type: string; value: string }) => e.type === 'other' && e.value === 'alias@contoso.com'));
      });
      it('E30 accepts a role whose value is a JSON-encoded string', async () => {
        const id = await freshUser('e30');
        assertPatched(await entra.send('PATCH', `/Users/${id}`, body('B-E18')));
        assert.equal((await get(`/Users/${id}`)).roles.length, 1);
      });
      it('E31 answers an unparsable path with 400 invalidPath, not 500', async () => {
        const result = await entra.send('PATCH', `/Users/${s['e05']}`, body('B-E19'));
        assert.equal(result.status, 400);
        assert.ok(['invalidPath', 'noTarget'].includes(result.json.scimType));
        assert.deepEqual(result.json.schemas, [ERROR]);
      });
    });

    describe('hard delete (E32)', () => {
      it('E32 deletes with 204, then answers 404 to GET and to a second DELETE', async () => {
        assert.equal((await entra.send('DELETE', `/Users/${s['e06']}`)).status, 204);
        assert.equal((await entra.send('GET', `/Users/${s['e06']}`)).status, 404);
        assert.equal((await entra.send('DELETE', `/Users/${s['e06']}`)).status, 404);
        assert.equal(await entra.harness.store.users.get(entra.harness.orgId, s['e06']!), undefined);
      });
    });

    describe('groups (E33–E44)', () => {
      before(async () => {
        s['u1'] = await freshUser('member-one');
        s['u2'] = await freshUser('member-two');
      });
      const members = async () => (await entra.harness.store.groups.listMembers(entra.harness.orgId, s['gid']!, { limit: 100 })).map((m) => m.value).sort();

      it('E33 answers a displayName probe with excludedAttributes=members with 0 results', async () => {
        assertEmptyList(await entra.send('GET', `/Groups?excludedAttributes=members&filter=${q(`displayName eq "${PROBE}"`)}`));
      });
      it('E34 creates the group despite the Microsoft schema URI', async () => {
        const result = await entra.send('POST', '/Groups', body('B-E20'));
        assert.equal(result.status, 201, result.text);
        assert.equal(result.json.displayName, 'Entra Group 1');
        s['gid'] = result.json.id;
      });
      it('E35 answers a duplicate displayName with 409 uniqueness', async () => {
        const result = await entra.send('POST', '/Groups', body('B-E20'));
        assert.equal(result.status, 409);
        assert.equal(result.json.scimType, 'uniqueness');
      });
      it('E36 leaves members out when excluded', async () => {
        const result = await entra.send('GET', `/Groups/${s['gid']}?excludedAttributes=members`);
        assert.equal(result.status, 200);
        assert.equal('members' in result.json, false);
      });
      it('E37 finds the group by its upper-cased displayName without members', async () => {
        const list = await get(`/Groups?excludedAttributes=members&filter=${q('displayName eq "ENTRA GROUP 1"')}`);
        assert.equal(list.totalResults, 1);
        assert.equal('members' in list.Resources[0], false);
      });
      it('E38 adds two members with $ref null and answers 204', async () => {
        const result = await entra.send('PATCH', `/Groups/${s['gid']}`, body('B-E21', { u1: s['u1']!, u2: s['u2']! }));
        assert.equal(result.status, 204);
        assert.deepEqual(await members(), [s['u1'], s['u2']].sort());
        const read = await get(`/Groups/${s['gid']}`);
        assert.deepEqual(read.members.map((m: { value: string }) => m.value).sort(), [s['u1'], s['u2']].sort());
      });
      it('E39 re-adds the same members idempotently', async () => {
        assert.equal((await entra.send('PATCH', `/Groups/${s['gid']}`, body('B-E21', { u1: s['u1']!, u2: s['u2']! }))).status, 204);
        assert.equal((await members()).length, 2);
      });
      it('E42 finds the group by id and membership while u1 is a member', async () => {
        const filter = q(`id eq "${s['gid']}" and members[value eq "${s['u1']}"]`);
        assert.equal((await get(`/Groups?excludedAttributes=members&filter=${filter}`)).totalResults, 1);
      });
      it('E40 removes only the listed member with the legacy value list', async () => {
        assert.equal((await entra.send('PATCH', `/Groups/${s['gid']}`, body('B-E22', { u1: s['u1']! }))).status, 204);
        assert.deepEqual(await members(), [s['u2']]);
      });
      it('E41 removes a member through a filter path', async () => {
        assert.equal((await entra.send('PATCH', `/Groups/${s['gid']}`, body('B-E23', { u2: s['u2']! }))).status, 204);
        assert.deepEqual(await members(), []);
      });
      it('E42 no longer finds the group by membership once u1 left', async () => {
        const filter = q(`id eq "${s['gid']}" and members[value eq "${s['u1']}"]`);
        assert.equal((await get(`/Groups?excludedAttributes=members&filter=${filter}`)).totalResults, 0);
      });
      it('E43 renames the group with 204', async () => {
        assert.equal((await entra.send('PATCH', `/Groups/${s['gid']}`, body('B-E24'))).status, 204);
        assert.equal((await get(`/Groups/${s['gid']}`)).displayName, 'Entra Group 1 renamed');
      });
      it('E44 deletes the group with 204 and then answers 404', async () => {
        assert.equal((await entra.send('DELETE', `/Groups/${s['gid']}`)).status, 204);
        assert.equal((await entra.send('GET', `/Groups/${s['gid']}`)).status, 404);
      });
    });

    describe('discovery, auth and edge cases (E45–E51)', () => {
      it('E45 lists the core User and Group schemas', async () => {
        const ids = (await get('/Schemas')).Resources.map((r: { id: string }) => r.id);
        assert.ok(ids.includes('urn:ietf:params:scim:schemas:core:2.0:User') && ids.includes('urn:ietf:params:scim:schemas:core:2.0:Group'));
      });
      it('E46 advertises PATCH, filtering and Bulk in ServiceProviderConfig', async () => {
        const config = await get('/ServiceProviderConfig');
        assert.equal(config.patch.supported, true);
        assert.equal(config.filter.supported, true);
        assert.equal(typeof config.bulk.supported, 'boolean');
      });
      it('E47 answers a bad token with 401 and the Error schema', async () => {
        const result = await entra.harness.call('GET', `/Users?filter=${q('userName eq "x"')}`, { token: 'wrong-token', headers: { ...ENTRA_HEADERS } });
        assert.equal(result.status, 401);
        assert.deepEqual(result.json.schemas, [ERROR]);
      });
      // Differs from the vector on purpose: scimd supports `or`, so it answers exactly the matching
      // users instead of 400 — what the vector forbids is the unfiltered list.
      it('E48 applies an `or` filter exactly and never returns the full list', async () => {
        const list = await get(`/Users?filter=${q('userName eq "Test_User_00aa00aa@testuser.com" or userName eq "nobody@x.com"')}`);
        assert.equal(list.totalResults, 1);
        assert.equal(list.Resources[0].id, s['e05']!);
      });
      it('E49 ignores the aadOptscim062020 query parameter', async () => {
        const result = await entra.send('GET', `/Users?aadOptscim062020&filter=${q('userName eq "x"')}`);
        assert.equal(result.status, 200);
        assert.equal(result.json.totalResults, 0);
      });
      it('E50 accepts application/scim+json without a charset', async () => {
        const result = await entra.send('POST', '/Users', { ...(body('B-E1') as object), userName: 'e50@testuser.com', externalId: 'e50' }, { 'Content-Type': 'application/scim+json' });
        assert.equal(result.status, 201);
      });
    });
  });
}

describe('Entra ID burst above the rate limit (E51)', () => {
  it('E51 answers 429 with Retry-After and the Error schema, never 503 or 500', async () => {
    const h = await createHarness({ rateLimit: { perSecond: 25, burst: 30 } });
    try {
      const results = await Promise.all(Array.from({ length: 40 }, () => h.call('GET', `/Users?filter=${q('userName eq "x"')}`, { headers: { ...ENTRA_HEADERS } })));
      const refused = results.filter((r) => r.status === 429);
      assert.equal(results.filter((r) => r.status === 200).length, 30);
      assert.equal(refused.length, 10);
      assert.ok(Number(refused[0]?.headers.get('retry-after')) >= 1);
      assert.deepEqual(refused[0]?.json.schemas, [ERROR]);
    } finally {
      await h.close();
    }
  });
});
