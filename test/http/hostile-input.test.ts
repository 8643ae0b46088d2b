/**
 * Input that once reached the database and failed there (500), now answered before SQL, the same
 * way on every database: huge paging numbers are clamped (RFC 7644 §3.4.2.4), NUL characters and
 * lone UTF-16 surrogates are 400 invalidValue naming where they were (404 in an id), values longer
 * than their documented limit are 400 invalidValue naming the attribute (docs/limits.md), and an
 * oversized request line gets a SCIM error body instead of Node's bare 431.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import { MAX_HEADER_BYTES, answerClientErrors } from '../../src/http/client-error.ts';
import { createActivityService } from '../../src/services/activity.ts';
import { SYSTEM_ACTOR } from '../../src/services/organizations.ts';
import { createHarness, testDialects, type CallResult, type Harness } from './harness.ts';

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const SEARCH = 'urn:ietf:params:scim:api:messages:2.0:SearchRequest';
const ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';

const patchOf = (...Operations: unknown[]) => ({ schemas: [PATCH], Operations });

function assertScimError(result: CallResult, status: number, scimType?: string, detail?: RegExp): void {
  assert.equal(result.status, status, result.text);
  assert.deepEqual(result.json.schemas, [ERROR]);
  assert.equal(result.json.status, String(status));
  if (scimType !== undefined) assert.equal(result.json.scimType, scimType, result.text);
  if (detail !== undefined) assert.match(result.json.detail, detail);
}

for (const dialect of await testDialects()) {
  describe(`hostile input on ${dialect.name}`, () => {
    let h: Harness;
    let userId: string;
    let groupId: string;
    before(async () => {
      h = await createHarness({ dialect });
      const user = await h.call('POST', '/Users', { body: { schemas: [USER], userName: 'probe@example.com' } });
      userId = user.json.id;
      const group = await h.call('POST', '/Groups', { body: { schemas: [GROUP], displayName: 'Probes' } });
      groupId = group.json.id;
    });
    after(() => h.close());

    describe('paging numbers', () => {
      for (const query of [
        'startIndex=99999999999999999999&count=0',
        'startIndex=99999999999999999999',
        'startIndex=9007199254740993',
        'startIndex=-99999999999999999999&count=99999999999999999999',
        `startIndex=${'9'.repeat(400)}&count=${'9'.repeat(400)}`,
      ]) {
        it(`clamps ${query.slice(0, 60)} instead of failing`, async () => {
          const result = await h.call('GET', `/Users?${query}`);
          assert.equal(result.status, 200, result.text);
          assert.equal(result.json.totalResults, 1);
        });
      }

      it('gives an empty page beyond the total and the first page for values below 1', async () => {
        const beyond = await h.call('GET', '/Users?startIndex=9007199254740993&count=5');
        assert.deepEqual([beyond.json.Resources ?? [], beyond.json.totalResults], [[], 1]);
        const below = await h.call('GET', '/Users?startIndex=-99999999999999999999');
        assert.equal(below.json.startIndex, 1);
        assert.equal(below.json.Resources.length, 1);
      });

      for (const body of [
        { startIndex: '99999999999999999999' },
        { startIndex: 1e20 },
        { startIndex: 2 ** 53 + 2, count: 2 ** 53 + 2 },
        { startIndex: 1e300, count: -1e300 },
      ]) {
        it(`clamps a .search body ${JSON.stringify(body)}`, async () => {
          for (const path of ['/Users/.search', '/Groups/.search', '/.search']) {
            const result = await h.call('POST', path, { body: { schemas: [SEARCH], ...body } });
            assert.equal(result.status, 200, `${path}: ${result.text}`);
          }
        });
      }

      it('answers 400 invalidValue for paging values that are not integers', async () => {
        assertScimError(await h.call('GET', '/Users?startIndex=1e400'), 400, 'invalidValue', /startIndex/);
        assertScimError(await h.call('POST', '/Users/.search', { body: { schemas: [SEARCH], count: 1.5 } }), 400, 'invalidValue', /count/);
        assertScimError(await h.call('POST', '/Users/.search', { body: { schemas: [SEARCH], startIndex: 'lots' } }), 400, 'invalidValue', /startIndex/);
      });
    });

    describe('NUL characters', () => {
      it('answers 404 for an id with a NUL, exactly as for an unknown id', async () => {
        for (const method of ['GET', 'DELETE']) {
          const nul = await h.call(method, `/Users/${userId}%00`);
          assertScimError(nul, 404);
          assert.equal(nul.json.detail, `User "${userId}\u0000" not found`);
        }
        assertScimError(await h.call('DELETE', '/Users/%00'), 404);
        assertScimError(await h.call('PATCH', `/Groups/%00${groupId}`, { body: patchOf({ op: 'replace', path: 'displayName', value: 'x' }) }), 404);
        assertScimError(await h.call('PUT', '/Groups/a%00b', { body: { schemas: [GROUP], displayName: 'x' } }), 404);
        assert.equal((await h.call('GET', `/Users/${userId}`)).status, 200);
      });

      it('answers 400 invalidValue naming the attribute for a NUL in a POST, PUT or PATCH value', async () => {
        assertScimError(await h.call('POST', '/Users', { body: { schemas: [USER], userName: 'nul@example.com', displayName: 'a\u0000b' } }), 400, 'invalidValue', /"displayName".*NUL/);
        assertScimError(await h.call('PUT', `/Users/${userId}`, { body: { schemas: [USER], userName: 'probe@example.com', name: { givenName: '\u0000' } } }), 400, 'invalidValue', /"name\.givenName".*NUL/);
        assertScimError(await h.call('PATCH', `/Users/${userId}`, { body: patchOf({ op: 'replace', path: 'displayName', value: 'a\u0000b' }) }), 400, 'invalidValue', /Operations\[0\]\.value.*NUL/);
        assertScimError(await h.call('PATCH', `/Groups/${groupId}`, { body: patchOf({ op: 'add', path: 'members', value: [{ value: 'a\u0000b' }] }) }), 400, 'invalidValue', /Operations\[0\]\.value\[0\]\.value/);
        assertScimError(await h.call('POST', '/Groups', { body: { schemas: [GROUP], displayName: 'G', members: [{ value: '\u0000' }] } }), 400, 'invalidValue', /members\[0\]\.value/);
      });

      it('answers 400 invalidValue for a NUL in a filter, a query parameter or a .search body', async () => {
        assertScimError(await h.call('GET', `/Users?filter=${encodeURIComponent('userName eq "a\u0000b"')}`), 400, 'invalidValue', /filter/);
        assertScimError(await h.call('GET', `/Users?filter=${encodeURIComponent('userName eq "a\\u0000b"')}`), 400, 'invalidValue', /filter/);
        assertScimError(await h.call('GET', '/Users?attributes=userName%00'), 400, 'invalidValue', /"attributes"/);
        assertScimError(await h.call('POST', '/Users/.search', { body: { schemas: [SEARCH], filter: 'displayName eq "\u0000"' } }), 400, 'invalidValue', /filter/);
        assertScimError(await h.call('GET', `/Groups?filter=${encodeURIComponent('members[value eq "a\\u0000"]')}`), 400, 'invalidValue');
      });

      it('keeps the other organizations\' activity when one error sample holds a NUL', async () => {
        const other = await h.orgs.create(SYSTEM_ACTOR, { name: 'Other' });
        const activity = createActivityService({ store: h.store, flushIntervalMs: 0 });
        const body = (detail: string) => ({ schemas: [ERROR], status: '404', detail });
        activity.recordError(h.orgId, { keyId: null, requestId: 'r1', method: 'GET', path: '/Users/a\u0000', status: 404, body: body('User "a\u0000" not found') });
        activity.recordError(other.id, { keyId: null, requestId: 'r2', method: 'GET', path: '/Users/b', status: 404, body: body('User "b" not found') });
        activity.recordSuccess(h.orgId);
        await activity.flush();
        const mine = await h.store.activity.lastErrors(h.orgId, 10);
        assert.equal(mine.length, 1);
        assert.equal(mine[0]?.path, '/Users/a\uFFFD');
        assert.equal((await h.store.activity.lastErrors(other.id, 10)).length, 1);
        await activity.close();
      });
    });

    describe('lone UTF-16 surrogates', () => {
      it('answers 400 invalidValue for a lone surrogate in POST and PATCH, and stores a valid pair', async () => {
        assertScimError(await h.call('POST', '/Users', { rawBody: `{"schemas":["${USER}"],"userName":"s@example.com","displayName":"a\\ud800b"}` }), 400, 'invalidValue', /"displayName".*surrogate/);
        assertScimError(await h.call('PATCH', `/Users/${userId}`, { rawBody: `{"schemas":["${PATCH}"],"Operations":[{"op":"replace","path":"nickName","value":"\\udfff"}]}` }), 400, 'invalidValue', /surrogate/);
        assertScimError(await h.call('PATCH', `/Groups/${groupId}`, { rawBody: `{"schemas":["${PATCH}"],"Operations":[{"op":"replace","value":{"displayName":"x\\udc00"}}]}` }), 400, 'invalidValue', /surrogate/);
        const pair = await h.call('PATCH', `/Users/${userId}`, { rawBody: `{"schemas":["${PATCH}"],"Operations":[{"op":"replace","path":"nickName","value":"\\ud83d\\ude00"}]}` });
        assert.equal(pair.status, 200, pair.text);
        assert.equal((await h.call('GET', `/Users/${userId}`)).json.nickName, '\u{1F600}');
      });
    });

    describe('long values', () => {
      const long = 'x'.repeat(3000);
      for (const [name, body] of [
        ['displayName', { schemas: [USER], userName: 'long1@example.com', displayName: long }],
        ['externalId', { schemas: [USER], userName: 'long2@example.com', externalId: long }],
        ['userName', { schemas: [USER], userName: long }],
        ['emails[0].value', { schemas: [USER], userName: 'long3@example.com', emails: [{ value: `${long}@example.com` }] }],
        ['name.familyName', { schemas: [USER], userName: 'long4@example.com', name: { familyName: long } }],
      ] as const) {
        it(`answers 400 invalidValue naming ${name} for a 3,000-character value`, async () => {
          assertScimError(await h.call('POST', '/Users', { body }), 400, 'invalidValue', new RegExp(`"${name.replace(/[[\].]/g, '\\$&')}" is \\d+ bytes long`));
        });
      }

      it('applies the limits to groups and to PATCH, and counts UTF-8 bytes', async () => {
        assertScimError(await h.call('POST', '/Groups', { body: { schemas: [GROUP], displayName: long } }), 400, 'invalidValue', /"displayName"/);
        assertScimError(await h.call('PATCH', `/Groups/${groupId}`, { body: patchOf({ op: 'replace', path: 'externalId', value: long }) }), 400, 'invalidValue', /"externalId"/);
        assertScimError(await h.call('PATCH', `/Users/${userId}`, { body: patchOf({ op: 'replace', path: 'displayName', value: 'é'.repeat(1100) }) }), 400, 'invalidValue', /2200 bytes/);
        const fits = await h.call('PATCH', `/Users/${userId}`, { body: patchOf({ op: 'replace', path: 'displayName', value: 'é'.repeat(1000) }) });
        assert.equal(fits.status, 200, fits.text);
        const notIndexed = await h.call('PATCH', `/Users/${userId}`, { body: patchOf({ op: 'replace', path: 'title', value: long }) });
        assert.equal(notIndexed.status, 200, notIndexed.text);
      });
    });
  });
}

describe('requests Node refuses before the app', () => {
  let server: Server;
  let port: number;
  before(async () => {
    server = createAdaptorServer({ fetch: () => new Response('ok'), serverOptions: { maxHeaderSize: MAX_HEADER_BYTES } }) as Server;
    answerClientErrors(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const raw = (request: string) =>
    new Promise<string>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1');
      let answer = '';
      socket.on('data', (chunk) => (answer += String(chunk)));
      socket.on('end', () => resolve(answer));
      socket.on('error', reject);
      socket.end(request);
    });

  it('accepts a 40 KB request line (a long Entra filter)', async () => {
    const answer = await raw(`GET /scim/v2/Users?filter=${'a'.repeat(40_000)} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
    assert.match(answer, /^HTTP\/1\.1 200/);
  });

  it('answers an oversized request line with 431 and a SCIM error body', async () => {
    const answer = await raw(`GET /scim/v2/Users?filter=${'a'.repeat(MAX_HEADER_BYTES + 10)} HTTP/1.1\r\nHost: x\r\n\r\n`);
    assert.match(answer, /^HTTP\/1\.1 431 /);
    assert.match(answer, /Content-Type: application\/scim\+json/);
    const body = JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4));
    assert.deepEqual([body.schemas, body.status], [[ERROR], '431']);
    assert.match(body.detail, /\.search/);
  });

  it('answers malformed HTTP with 400 and a SCIM error body', async () => {
    const answer = await raw('NONSENSE\r\n\r\n');
    assert.match(answer, /^HTTP\/1\.1 400 /);
    assert.equal(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4)).status, '400');
  });
});
