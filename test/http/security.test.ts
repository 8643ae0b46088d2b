/**
 * Security basics over HTTP, on every database: the security headers on every kind of response
 * (SCIM success, error, 304, 204, 404/405, admin API, health and metrics), the body limits, and no
 * secret — bearer tokens, passwords, key secrets — in any log line the app writes.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { SECURITY_HEADERS } from '../../src/http/security-headers.ts';
import { createHarness, testDialects, type CallResult, type Harness } from './harness.ts';
import { createAdminHarness, type AdminHarness } from './admin/harness.ts';
import { fuzzRequest } from './fuzz-requests.ts';

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const PASSWORD = 'Pa55word-never-logged!';

function assertSecurityHeaders(result: CallResult, what: string): void {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) assert.equal(result.headers.get(name), value, `${what}: ${name}`);
}

for (const dialect of await testDialects()) {
  describe(`security basics on ${dialect.name}`, () => {
    let h: Harness;
    let admin: AdminHarness;
    before(async () => {
      h = await createHarness({ dialect });
      admin = await createAdminHarness(dialect);
    });
    after(async () => {
      await h.close();
      await admin.close();
    });

    it('sends the security headers on every kind of response', async () => {
      const created = await h.call('POST', '/Users', { body: { schemas: [USER], userName: 'headers@example.com', password: PASSWORD } });
      const id = created.json.id as string;
      const responses: [string, CallResult][] = [
        ['201', created],
        ['200', await h.call('GET', `/Users/${id}`)],
        ['304', await h.call('GET', `/Users/${id}`, { headers: { 'If-None-Match': created.headers.get('etag') ?? '' } })],
        ['list', await h.call('GET', '/Users')],
        ['400', await h.call('GET', '/Users?filter=(')],
        ['401', await h.call('GET', '/Users', { token: null })],
        ['404', await h.call('GET', '/Users/nope')],
        ['404 path', await h.call('GET', '/Nowhere')],
        ['405', await h.call('PATCH', '/Users')],
        ['discovery', await h.call('GET', '/ServiceProviderConfig')],
        ['healthz', await h.call('GET', 'http://scim.test/healthz', { token: null })],
        ['204', await h.call('DELETE', `/Users/${id}`)],
        ['admin 200', await admin.call('GET', '/organizations')],
        ['admin 401', await admin.call('GET', '/organizations', { token: null })],
        ['admin 404', await admin.call('GET', '/organizations/nope')],
        ['openapi', await admin.call('GET', '/openapi.json')],
      ];
      for (const [what, result] of responses) assertSecurityHeaders(result, what);
      const metrics = await h.app.request('http://scim.test/metrics', {}, { incoming: { socket: { remoteAddress: '127.0.0.1' } } });
      assertSecurityHeaders({ status: metrics.status, headers: metrics.headers, text: '', json: undefined }, 'metrics');
    });

    it('answers bodies over the limits with 413 SCIM errors', async () => {
      const big = await h.call('POST', '/Users', { rawBody: JSON.stringify({ schemas: [USER], userName: 'x', title: 'y'.repeat(70 * 1024) }) });
      assert.equal(big.status, 413);
      assert.equal(big.json.status, '413');
      const bulk = await h.call('POST', '/Bulk', { rawBody: JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'], Operations: [], pad: 'z'.repeat(200 * 1024) }) });
      assert.equal(bulk.status, 413);
    });

    it('writes no bearer token, key secret or password into any log line', async () => {
      const other = await h.newKey({ description: 'second' });
      const id = (await h.call('POST', '/Users', { body: { schemas: [USER], userName: 'logs@example.com', password: PASSWORD } })).json.id;
      await h.call('PATCH', `/Users/${id}`, { body: { schemas: [PATCH], Operations: [{ op: 'replace', path: 'password', value: PASSWORD }] } });
      await h.call('PUT', `/Users/${id}`, { body: { schemas: [USER], userName: 'logs@example.com', password: PASSWORD } });
      await h.call('GET', '/Users', { token: other });
      await h.call('GET', '/Users', { token: `${h.token}x` });
      await h.call('GET', '/Users', { token: PASSWORD });
      await h.call('GET', '/Users', { token: null, headers: { Authorization: `Basic ${Buffer.from(`a:${PASSWORD}`).toString('base64')}` } });
      await h.call('POST', '/Users', { rawBody: `{"userName": "${PASSWORD}", "password": "${PASSWORD}"` });
      for (const request of fc.sample(fuzzRequest({ userId: id, groupId: id }), { numRuns: 100, seed: 5 })) {
        await h.call(request.method, request.path, { ...request.options, noise: true }).catch(() => undefined);
      }
      assert.ok(h.logs.length > 100, 'the app logged');
      const secrets = [h.token, other, PASSWORD, Buffer.from(`a:${PASSWORD}`).toString('base64')];
      for (const line of h.logs) {
        const text = JSON.stringify(line);
        for (const secret of secrets) assert.ok(!text.includes(secret), `a log line holds a secret: ${text.slice(0, 300)}`);
      }
    });
  });
}
