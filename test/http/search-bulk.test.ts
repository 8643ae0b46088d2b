/**
 * `POST /.search` across Users and Groups (RFC 7644 §3.4.3) and `POST /Bulk` (RFC 7644 §3.7):
 * bulkId references, per-operation status, failOnErrors and limits.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, createHarness, type Harness } from './harness.ts';

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const BULK = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest';
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
let h: Harness;

before(async () => {
  h = await createHarness();
  for (const name of ['a', 'b', 'c']) await h.call('POST', '/Users', { body: { schemas: [USER], userName: `${name}@example.com`, displayName: `Team ${name}` } });
  for (const name of ['x', 'y']) await h.call('POST', '/Groups', { body: { schemas: [GROUP], displayName: `Team ${name}` } });
});
after(() => h.close());

describe('POST /.search across resource types', () => {
  it('returns users then groups with one totalResults', async () => {
    const result = await h.call('POST', '/.search', { body: { filter: 'displayName sw "Team"' } });
    assert.equal(result.status, 200);
    assert.equal(result.json.totalResults, 5);
    assert.deepEqual(result.json.Resources.map((r: { meta: { resourceType: string } }) => r.meta.resourceType), ['User', 'User', 'User', 'Group', 'Group']);
  });

  it('counts startIndex across the users and then the groups', async () => {
    const middle = await h.call('POST', '/.search', { body: { filter: 'displayName sw "Team"', startIndex: 3, count: 2 } });
    assert.deepEqual(middle.json.Resources.map((r: { displayName: string }) => r.displayName), ['Team c', 'Team x']);
    assert.deepEqual([middle.json.startIndex, middle.json.itemsPerPage, middle.json.totalResults], [3, 2, 5]);
    const tail = await h.call('POST', '/.search', { body: { filter: 'displayName sw "Team"', startIndex: 5, count: 2 } });
    assert.deepEqual(tail.json.Resources.map((r: { displayName: string }) => r.displayName), ['Team y']);
  });

  it('matches nothing of a type whose schema lacks the filtered attribute', async () => {
    const result = await h.call('POST', '/.search', { body: { filter: 'userName eq "a@example.com"', attributes: ['userName'] } });
    assert.equal(result.json.totalResults, 1);
  });
});

describe('POST /Bulk', () => {
  it('creates a user and a group that references it by bulkId, listed in either order', async () => {
    const result = await h.call('POST', '/Bulk', {
      body: {
        schemas: [BULK],
        Operations: [
          { method: 'POST', path: '/Groups', bulkId: 'g1', data: { schemas: [GROUP], displayName: 'Bulk group', members: [{ value: 'bulkId:u1' }] } },
          { method: 'POST', path: '/Users', bulkId: 'u1', data: { schemas: [USER], userName: 'bulk@example.com' } },
          { method: 'PATCH', path: '/Users/bulkId:u1', data: { schemas: [PATCH], Operations: [{ op: 'replace', path: 'active', value: false }] } },
        ],
      },
    });
    assert.equal(result.status, 200);
    assert.deepEqual(result.json.schemas, ['urn:ietf:params:scim:api:messages:2.0:BulkResponse']);
    const [group, user, patched] = result.json.Operations;
    assert.deepEqual([group.status, user.status, patched.status], ['201', '201', '200']);
    assert.match(user.location, new RegExp(`^${BASE}/Users/`));
    assert.equal(user.version, 'W/"1"');
    const userId = user.location.split('/').pop();
    const read = await h.call('GET', group.location.slice(BASE.length));
    assert.deepEqual(read.json.members.map((m: { value: string }) => m.value), [userId]);
    assert.equal((await h.call('GET', `/Users/${userId}`)).json.active, false);
  });

  it('reports each failure with its status and error body and carries on without failOnErrors', async () => {
    const result = await h.call('POST', '/Bulk', {
      body: {
        schemas: [BULK],
        Operations: [
          { method: 'POST', path: '/Users', bulkId: 'dup', data: { schemas: [USER], userName: 'a@example.com' } },
          { method: 'DELETE', path: '/Users/missing' },
          { method: 'POST', path: '/Users', bulkId: 'ok', data: { schemas: [USER], userName: 'fresh@example.com' } },
          { method: 'PUT', path: '/Widgets/1', data: {} },
        ],
      },
    });
    const statuses = result.json.Operations.map((o: { status: string }) => o.status);
    assert.deepEqual(statuses, ['409', '404', '201', '400']);
    assert.equal(result.json.Operations[0].response.scimType, 'uniqueness');
    assert.match(result.json.Operations[3].response.detail, /must be \/Users, \/Groups/);
  });

  it('stops after failOnErrors failures', async () => {
    const result = await h.call('POST', '/Bulk', {
      body: {
        schemas: [BULK],
        failOnErrors: 1,
        Operations: [
          { method: 'DELETE', path: '/Users/missing-1' },
          { method: 'POST', path: '/Users', bulkId: 'never', data: { schemas: [USER], userName: 'never@example.com' } },
        ],
      },
    });
    assert.equal(result.json.Operations.length, 1);
    const search = await h.call('GET', '/Users?filter=userName+eq+%22never@example.com%22');
    assert.equal(search.json.totalResults, 0);
  });

  it('fails operations caught in a circular bulkId reference with 409', async () => {
    const result = await h.call('POST', '/Bulk', {
      body: {
        schemas: [BULK],
        Operations: [
          { method: 'POST', path: '/Groups', bulkId: 'p', data: { schemas: [GROUP], displayName: 'P', members: [{ value: 'bulkId:q' }] } },
          { method: 'POST', path: '/Groups', bulkId: 'q', data: { schemas: [GROUP], displayName: 'Q', members: [{ value: 'bulkId:p' }] } },
        ],
      },
    });
    assert.deepEqual(result.json.Operations.map((o: { status: string }) => o.status), ['409', '409']);
    assert.match(result.json.Operations[0].response.detail, /circular/);
  });

  it('rejects a reference to a bulkId no operation creates with 400 invalidValue', async () => {
    const result = await h.call('POST', '/Bulk', {
      body: { schemas: [BULK], Operations: [{ method: 'DELETE', path: '/Users/bulkId:ghost' }] },
    });
    assert.equal(result.json.Operations[0].status, '400');
    assert.equal(result.json.Operations[0].response.scimType, 'invalidValue');
    assert.match(result.json.Operations[0].response.detail, /bulkId:ghost/);
  });

  it('honours a per-operation version like If-Match', async () => {
    const id = (await h.call('POST', '/Users', { body: { schemas: [USER], userName: 'versioned@example.com' } })).json.id;
    const result = await h.call('POST', '/Bulk', {
      body: { schemas: [BULK], Operations: [{ method: 'DELETE', path: `/Users/${id}`, version: 'W/"5"' }] },
    });
    assert.equal(result.json.Operations[0].status, '412');
  });

  it('answers 413 when the payload exceeds maxPayloadSize', async () => {
    const pad = 'x'.repeat(130 * 1024);
    const result = await h.call('POST', '/Bulk', { body: { schemas: [BULK], Operations: [], pad } });
    assert.equal(result.status, 413);
    assert.match(result.json.detail, /maxPayloadSize/);
  });
});
