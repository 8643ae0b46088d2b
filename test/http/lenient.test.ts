/**
 * The lenient profile's leniencies for hand-written and generic clients, and the strict profile's
 * RFC 7644 behaviour for the same requests: the resource type segment in any case, bare words in
 * filters, value filters in `attributes`, and `$ref` on group members and a user's groups.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SYSTEM_ACTOR } from '../../src/services/organizations.ts';
import { BASE, createHarness, type Harness } from './harness.ts';

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';

describe('lenient and strict profiles over HTTP', () => {
  let h: Harness;
  let strict: string;
  let userId: string;
  before(async () => {
    h = await createHarness();
    const org = await h.orgs.create(SYSTEM_ACTOR, { name: 'Strict Co' });
    await h.orgs.updateSettings({ orgId: org.id, actor: SYSTEM_ACTOR }, { compatibilityProfile: 'strict' });
    strict = await h.newKey({ description: 'RFC client' }, org.id);
    const emails = [{ value: 'bj@work.example', type: 'work', primary: true }, { value: 'bj@home.example', type: 'home' }];
    for (const token of [h.token, strict]) {
      const created = await h.call('POST', '/Users', { token, body: { schemas: [USER], userName: 'bjensen', userType: 'Employee', emails } });
      assert.equal(created.status, 201);
      if (token === h.token) userId = created.json.id;
    }
  });
  after(() => h.close());

  it('reads the resource type segment in any case when lenient, and only as spelled when strict', async () => {
    const lower = await h.call('GET', '/users');
    assert.equal(lower.status, 200);
    assert.equal(lower.json.totalResults, 1);
    assert.equal((await h.call('GET', `/USERS/${userId}`)).json.userName, 'bjensen');
    const group = await h.call('POST', '/groups', { body: { schemas: [GROUP], displayName: 'Lower' } });
    assert.equal(group.status, 201);
    assert.equal(group.headers.get('Location'), `${BASE}/Groups/${group.json.id}`, 'the canonical URL');
    assert.equal((await h.call('GET', '/GROUPS')).status, 200);
    const refused = await h.call('GET', '/users', { token: strict });
    assert.equal(refused.status, 404);
    assert.match(refused.json.detail, /^No endpoint at \/scim\/v2\/users; resource types are spelled Users and Groups/);
    assert.equal((await h.call('GET', '/Users', { token: strict })).status, 200);
  });

  it('reads a bare word in a filter comparison as a string when lenient, and refuses it with its position when strict', async () => {
    const found = await h.call('GET', `/Users?filter=${encodeURIComponent('userType eq Employee and userName eq bjensen')}`);
    assert.equal(found.status, 200);
    assert.equal(found.json.totalResults, 1);
    const refused = await h.call('GET', `/Users?filter=${encodeURIComponent('userType eq Employee')}`, { token: strict });
    assert.equal(refused.status, 400);
    assert.equal(refused.json.scimType, 'invalidFilter');
    assert.match(refused.json.detail, /at position 13: expected a value after "eq"/);
  });

  it('returns only the values a value filter in attributes matches when lenient', async () => {
    const one = await h.call('GET', `/Users/${userId}?attributes=${encodeURIComponent('emails[type eq "work"]')}`);
    assert.deepEqual(one.json.emails, [{ value: 'bj@work.example', type: 'work', primary: true }]);
    assert.equal(one.json.userName, undefined, 'only what was asked for (and id, schemas)');
    const sub = await h.call('GET', `/Users/${userId}?attributes=${encodeURIComponent('userName,emails[type eq work].value')}`);
    assert.deepEqual([sub.json.userName, sub.json.emails], ['bjensen', [{ value: 'bj@work.example' }]]);
    const list = await h.call('GET', `/Users?attributes=${encodeURIComponent('emails[type eq "home"]')}`);
    assert.deepEqual(list.json.Resources[0].emails, [{ value: 'bj@home.example', type: 'home' }]);
    const none = await h.call('GET', `/Users/${userId}?attributes=${encodeURIComponent('emails[type eq "other"]')}`);
    assert.equal(none.json.emails, undefined);
    const bad = await h.call('GET', `/Users/${userId}?attributes=${encodeURIComponent('emails[type eq]')}`);
    assert.equal(bad.status, 400);
    assert.match(bad.json.detail, /^attributes: "emails\[type eq\]": Invalid filter at position 15/);
    const rfc = await h.call('GET', `/Users?attributes=${encodeURIComponent('emails[type eq "work"]')}`, { token: strict });
    assert.equal(rfc.status, 200);
    assert.equal(rfc.json.Resources[0].emails, undefined, 'strict: not an attribute name, so nothing is selected');
  });

  it('returns $ref on group members and on a user\'s groups, as /Schemas advertises', async () => {
    const group = await h.call('POST', '/Groups', { body: { schemas: [GROUP], displayName: 'Refs', members: [{ value: userId }] } });
    assert.deepEqual(group.json.members, [{ value: userId, $ref: `${BASE}/Users/${userId}`, display: 'bjensen', type: 'User' }]);
    const read = await h.call('GET', `/Groups/${group.json.id}`);
    assert.equal(read.json.members[0].$ref, `${BASE}/Users/${userId}`);
    const user = await h.call('GET', `/Users/${userId}`);
    assert.deepEqual(user.json.groups.find((g: { value: string }) => g.value === group.json.id), {
      value: group.json.id,
      $ref: `${BASE}/Groups/${group.json.id}`,
      display: 'Refs',
      type: 'direct',
    });
    const schemas = await h.call('GET', '/Schemas/urn:ietf:params:scim:schemas:core:2.0:Group');
    const members = schemas.json.attributes.find((a: { name: string }) => a.name === 'members');
    assert.equal(members.subAttributes.find((a: { name: string }) => a.name === '$ref').returned, 'default');
  });
});
