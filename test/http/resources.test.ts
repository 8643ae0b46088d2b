/**
 * The User and Group endpoints over HTTP: status codes, Location and ETag headers, conditional
 * requests, projection, paging (index and cursor), media types and gzip.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { gunzipSync } from 'node:zlib';
import { BASE, createHarness, type Harness } from './harness.ts';

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const LIST = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
let h: Harness;

const user = (userName: string, extra: Record<string, unknown> = {}) => ({ schemas: [USER], userName, ...extra });
const patch = (...Operations: unknown[]) => ({ schemas: [PATCH], Operations });

async function createUser(userName: string, extra: Record<string, unknown> = {}): Promise<string> {
  const result = await h.call('POST', '/Users', { body: user(userName, extra) });
  assert.equal(result.status, 201, result.text);
  return result.json.id as string;
}

before(async () => {
  h = await createHarness();
});
after(() => h.close());

describe('POST, GET, PUT, PATCH and DELETE of users', () => {
  it('creates a user with 201, a Location header, an ETag and meta.location under the Tenant URL', async () => {
    const result = await h.call('POST', '/Users', { body: user('ada@example.com', { password: 'S3cret!', name: { givenName: 'Ada' } }) });
    assert.equal(result.status, 201);
    const id = result.json.id;
    assert.equal(result.headers.get('location'), `${BASE}/Users/${id}`);
    assert.equal(result.json.meta.location, `${BASE}/Users/${id}`);
    assert.equal(result.headers.get('etag'), 'W/"1"');
    assert.equal(result.json.meta.version, 'W/"1"');
    assert.equal(result.json.password, undefined);
  });

  it('reads a user back with the same ETag and answers 304 to a matching If-None-Match', async () => {
    const id = await createUser('grace@example.com');
    const read = await h.call('GET', `/Users/${id}`);
    assert.equal(read.status, 200);
    assert.equal(read.headers.get('etag'), 'W/"1"');
    const cached = await h.call('GET', `/Users/${id}`, { headers: { 'If-None-Match': 'W/"1"' } });
    assert.equal(cached.status, 304);
    assert.equal(cached.text, '');
    assert.equal(cached.headers.get('etag'), 'W/"1"');
    assert.equal((await h.call('GET', `/Users/${id}`, { headers: { 'If-None-Match': '"0", *' } })).status, 304);
    assert.equal((await h.call('GET', `/Users/${id}`, { headers: { 'If-None-Match': 'W/"7"' } })).status, 200);
  });

  it('replaces with PUT under a matching If-Match and bumps the ETag', async () => {
    const id = await createUser('linus@example.com');
    const put = await h.call('PUT', `/Users/${id}`, { headers: { 'If-Match': 'W/"1"' }, body: user('linus@example.com', { displayName: 'Linus' }) });
    assert.equal(put.status, 200);
    assert.equal(put.json.displayName, 'Linus');
    assert.equal(put.headers.get('etag'), 'W/"2"');
    const stale = await h.call('PUT', `/Users/${id}`, { headers: { 'If-Match': 'W/"1"' }, body: user('linus@example.com') });
    assert.equal(stale.status, 412);
    const anyVersion = await h.call('PUT', `/Users/${id}`, { headers: { 'If-Match': '*' }, body: user('linus@example.com', { title: 'Dev' }) });
    assert.equal(anyVersion.status, 200);
    const listed = await h.call('PATCH', `/Users/${id}`, { headers: { 'If-Match': 'W/"1", W/"3"' }, body: patch({ op: 'replace', path: 'title', value: 'Lead' }) });
    assert.equal(listed.status, 200, listed.text);
  });

  it('answers a user PATCH with 200 and the resource, projected when attributes are asked', async () => {
    const id = await createUser('margaret@example.com', { name: { givenName: 'Margaret', familyName: 'Hamilton' } });
    const full = await h.call('PATCH', `/Users/${id}`, { body: patch({ op: 'Replace', path: 'active', value: 'False' }) });
    assert.equal(full.status, 200);
    assert.equal(full.json.active, false);
    assert.equal(full.json.name.familyName, 'Hamilton');
    const projected = await h.call('PATCH', `/Users/${id}?attributes=active`, { body: patch({ op: 'replace', path: 'active', value: true }) });
    assert.deepEqual(Object.keys(projected.json).sort(), ['active', 'id', 'schemas']);
  });

  it('deletes with 204 and then answers 404', async () => {
    const id = await createUser('temp@example.com');
    const deleted = await h.call('DELETE', `/Users/${id}`);
    assert.equal(deleted.status, 204);
    assert.equal(deleted.text, '');
    assert.equal((await h.call('GET', `/Users/${id}`)).status, 404);
    assert.equal((await h.call('DELETE', `/Users/${id}`)).status, 404);
  });

  it('projects GET responses by attributes and excludedAttributes', async () => {
    const id = await createUser('proj@example.com', { displayName: 'Proj', title: 'T' });
    const only = await h.call('GET', `/Users/${id}?attributes=displayName`);
    assert.deepEqual(Object.keys(only.json).sort(), ['displayName', 'id', 'schemas']);
    const without = await h.call('GET', `/Users/${id}?excludedAttributes=title,meta`);
    assert.equal(without.json.title, undefined);
    assert.equal(without.json.displayName, 'Proj');
  });

  it('uses PUBLIC_URL for Location and meta.location when configured', async () => {
    const hosted = await createHarness({ publicUrl: 'https://scim.example.com' });
    try {
      const result = await hosted.call('POST', '/Users', { body: user('u@example.com') });
      assert.equal(result.headers.get('location'), `https://scim.example.com/scim/v2/Users/${result.json.id}`);
    } finally {
      await hosted.close();
    }
  });
});

describe('groups', () => {
  it('answers a group PATCH with 204, or 200 without members when attributes are asked', async () => {
    const u1 = await createUser('member1@example.com');
    const created = await h.call('POST', '/Groups', { body: { schemas: [GROUP], displayName: 'Engineers', members: [{ value: u1 }] } });
    assert.equal(created.status, 201);
    assert.equal(created.headers.get('location'), `${BASE}/Groups/${created.json.id}`);
    const gid = created.json.id;
    const quiet = await h.call('PATCH', `/Groups/${gid}`, { body: patch({ op: 'replace', path: 'displayName', value: 'Engineering' }) });
    assert.equal(quiet.status, 204);
    assert.ok(quiet.headers.get('etag'));
    const loud = await h.call('PATCH', `/Groups/${gid}?attributes=displayName`, { body: patch({ op: 'replace', path: 'displayName', value: 'Eng' }) });
    assert.equal(loud.status, 200);
    assert.equal(loud.json.displayName, 'Eng');
    assert.equal(loud.json.members, undefined);
  });

  it('lists members on GET unless excludedAttributes=members, and computes a user\'s groups', async () => {
    const u1 = await createUser('m-a@example.com');
    const gid = (await h.call('POST', '/Groups', { body: { schemas: [GROUP], displayName: 'Readers', members: [{ value: u1 }] } })).json.id;
    const full = await h.call('GET', `/Groups/${gid}`);
    assert.deepEqual(full.json.members.map((m: { value: string }) => m.value), [u1]);
    const lean = await h.call('GET', `/Groups/${gid}?excludedAttributes=members`);
    assert.equal(lean.json.members, undefined);
    const listed = await h.call('GET', `/Groups?excludedAttributes=members&filter=displayName+eq+%22readers%22`);
    assert.equal(listed.json.totalResults, 1);
    assert.equal(listed.json.Resources[0].members, undefined);
    const member = await h.call('GET', `/Users/${u1}`);
    assert.deepEqual(member.json.groups.map((g: { value: string }) => g.value), [gid]);
    const withoutGroups = await h.call('GET', `/Users/${u1}?attributes=userName`);
    assert.equal(withoutGroups.json.groups, undefined);
  });

  it('replaces a group and its members with PUT', async () => {
    const a = await createUser('put-a@example.com');
    const b = await createUser('put-b@example.com');
    const gid = (await h.call('POST', '/Groups', { body: { schemas: [GROUP], displayName: 'Put', members: [{ value: a }] } })).json.id;
    const put = await h.call('PUT', `/Groups/${gid}`, { body: { schemas: [GROUP], displayName: 'Put', members: [{ value: b }] } });
    assert.equal(put.status, 200);
    assert.deepEqual(put.json.members.map((m: { value: string }) => m.value), [b]);
  });
});

describe('listing', () => {
  it('decodes + and %20 in filters as spaces and ignores unknown query parameters', async () => {
    await createUser('space test@example.com');
    for (const query of ['filter=userName+eq+%22space+test%40example.com%22', 'filter=userName%20eq%20%22space%20test@example.com%22&aadOptscim062020']) {
      const result = await h.call('GET', `/Users?${query}`);
      assert.equal(result.status, 200);
      assert.equal(result.json.totalResults, 1, query);
    }
  });

  it('answers a filter that matches nothing with 200 and an empty ListResponse of integers', async () => {
    const result = await h.call('GET', '/Users?filter=userName+eq+%22nobody%22');
    assert.deepEqual(result.json, { schemas: [LIST], totalResults: 0, startIndex: 1, itemsPerPage: 0, Resources: [] });
  });

  it('pages with startIndex and count, clamps count to maxPageSize, and treats startIndex 0 as 1', async () => {
    const paged = await createHarness();
    try {
      for (let i = 0; i < 5; i += 1) await paged.call('POST', '/Users', { body: user(`p${i}@example.com`) });
      const first = await paged.call('GET', '/Users?startIndex=0&count=2');
      assert.deepEqual([first.json.startIndex, first.json.itemsPerPage, first.json.totalResults], [1, 2, 5]);
      const last = await paged.call('GET', '/Users?startIndex=5&count=2');
      assert.equal(last.json.itemsPerPage, 1);
      const huge = await paged.call('GET', '/Users?count=100000');
      assert.equal(huge.json.itemsPerPage, 5);
      const none = await paged.call('GET', '/Users?count=0');
      assert.deepEqual([none.json.totalResults, none.json.Resources.length], [5, 0]);
      const ids: string[] = [];
      let cursor = '';
      for (let page = 0; page < 5 && cursor !== undefined; page += 1) {
        const result = await paged.call('GET', `/Users?count=2&cursor=${encodeURIComponent(cursor)}`);
        assert.equal(result.json.startIndex, undefined);
        ids.push(...result.json.Resources.map((r: { id: string }) => r.id));
        cursor = result.json.nextCursor;
      }
      assert.equal(new Set(ids).size, 5);
    } finally {
      await paged.close();
    }
  });

  it('searches one resource type with POST /Users/.search', async () => {
    await createUser('searchable@example.com');
    const result = await h.call('POST', '/Users/.search', {
      body: { schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'], filter: 'userName sw "searchable"', attributes: ['userName'] },
    });
    assert.equal(result.status, 200);
    assert.equal(result.json.totalResults, 1);
    assert.deepEqual(Object.keys(result.json.Resources[0]).sort(), ['id', 'schemas', 'userName']);
  });
});

describe('media types and compression', () => {
  it('accepts application/json and scim+json with parameters', async () => {
    for (const type of ['application/json', 'application/scim+json', 'application/scim+json; charset=utf-8', 'Application/JSON;charset=UTF-8']) {
      const result = await h.call('POST', '/Users', { body: user(`mt-${type.length}-${type.charCodeAt(0)}@example.com`), headers: { 'Content-Type': type } });
      assert.equal(result.status, 201, type);
    }
  });

  it('gzips large responses when asked and leaves small ones alone', async () => {
    for (let i = 0; i < 10; i += 1) await createUser(`gz${i}@example.com`, { displayName: `Gzip user ${i}` });
    const response = await h.app.request(`${BASE}/Users?count=10`, { headers: { Authorization: `Bearer ${h.token}`, 'Accept-Encoding': 'gzip, deflate' } });
    assert.equal(response.headers.get('content-encoding'), 'gzip');
    assert.equal(response.headers.get('vary'), 'Accept-Encoding');
    const body = JSON.parse(gunzipSync(Buffer.from(await response.arrayBuffer())).toString('utf8'));
    assert.equal(body.itemsPerPage, 10);
    const small = await h.app.request(`${BASE}/Users?filter=userName+eq+%22none%22`, { headers: { Authorization: `Bearer ${h.token}`, 'Accept-Encoding': 'gzip' } });
    assert.equal(small.headers.get('content-encoding'), null);
    const plain = await h.call('GET', '/Users?count=10');
    assert.equal(plain.headers.get('content-encoding'), null);
  });

  it('rejects a body over the size limit even without Content-Length', async () => {
    const big = JSON.stringify(user('big@example.com', { pad: 'x'.repeat(70_000) }));
    const stream = new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(big));
        controller.close();
      },
    });
    const response = await h.app.request(`${BASE}/Users`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${h.token}`, 'Content-Type': 'application/scim+json' },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    assert.equal(response.status, 413);
  });
});
