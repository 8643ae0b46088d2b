/**
 * A group's members are part of the group resource (RFC 7643 §4.2), so a PATCH that only adds or
 * removes members changes the group: its version (the ETag) and meta.lastModified move, and a
 * client holding the old ETag gets 412 on its next conditional write (RFC 7644 §3.14).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHarness, type Harness } from './harness.ts';

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

let h: Harness;
before(async () => {
  h = await createHarness();
});
after(() => h.close());

describe('the version of a group after a members-only PATCH', () => {
  it('moves from W/"1" to W/"2", and the old ETag no longer matches', async () => {
    const user = await h.call('POST', '/Users', { body: { schemas: [USER], userName: 'member@example.com' } });
    const group = await h.call('POST', '/Groups', { body: { schemas: [GROUP], displayName: 'Engineering' } });
    assert.equal(group.headers.get('etag'), 'W/"1"');
    h.advance(1000);
    const added = await h.call('PATCH', `/Groups/${group.json.id}`, {
      body: { schemas: [PATCH], Operations: [{ op: 'add', path: 'members', value: [{ value: user.json.id }] }] },
      headers: { 'If-Match': 'W/"1"' },
    });
    assert.equal(added.status, 204);
    const read = await h.call('GET', `/Groups/${group.json.id}?excludedAttributes=members`);
    assert.equal(read.headers.get('etag'), 'W/"2"');
    assert.equal(read.json.meta.version, 'W/"2"');
    assert.notEqual(read.json.meta.lastModified, group.json.meta.lastModified);
    const stale = await h.call('PATCH', `/Groups/${group.json.id}`, {
      body: { schemas: [PATCH], Operations: [{ op: 'remove', path: `members[value eq "${user.json.id}"]` }] },
      headers: { 'If-Match': 'W/"1"' },
    });
    assert.equal(stale.status, 412);
  });
});
