/**
 * Discovery documents, health, readiness, metrics, request ids and the generic 500.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, createHarness, type Harness } from './harness.ts';

let h: Harness;

before(async () => {
  h = await createHarness();
});
after(() => h.close());

describe('discovery', () => {
  it('advertises the limits, PATCH, Bulk, filters, sorting, ETags and both paging styles', async () => {
    const result = await h.call('GET', '/ServiceProviderConfig');
    assert.equal(result.status, 200);
    assert.deepEqual(result.json.schemas, ['urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig']);
    assert.deepEqual(result.json.patch, { supported: true });
    assert.deepEqual(result.json.bulk, { supported: true, maxOperations: 20, maxPayloadSize: 128 * 1024 });
    assert.deepEqual(result.json.filter, { supported: true, maxResults: 200 });
    assert.deepEqual(result.json.etag, { supported: true });
    assert.equal(result.json.pagination.cursor, true);
    assert.equal(result.json.pagination.maxPageSize, 200);
    assert.equal(result.json.authenticationSchemes[0].type, 'oauthbearertoken');
    assert.equal(result.json.meta.location, `${BASE}/ServiceProviderConfig`);
  });

  it('lists the schemas and serves each by id', async () => {
    const list = await h.call('GET', '/Schemas');
    const ids = list.json.Resources.map((s: { id: string }) => s.id);
    assert.ok(ids.includes('urn:ietf:params:scim:schemas:core:2.0:User'));
    assert.ok(ids.includes('urn:ietf:params:scim:schemas:core:2.0:Group'));
    assert.equal(list.json.totalResults, ids.length);
    const one = await h.call('GET', '/Schemas/urn:ietf:params:scim:schemas:extension:enterprise:2.0:User');
    assert.equal(one.json.name, 'EnterpriseUser');
    assert.equal(JSON.stringify(list.json).includes('null'), false);
  });

  it('lists the resource types and serves each by id', async () => {
    const list = await h.call('GET', '/ResourceTypes');
    assert.deepEqual(list.json.Resources.map((t: { id: string }) => t.id), ['User', 'Group']);
    const group = await h.call('GET', '/ResourceTypes/Group');
    assert.equal(group.json.endpoint, '/Groups');
  });
});

describe('health, readiness and metrics', () => {
  it('answers /healthz without authentication', async () => {
    const result = await h.call('GET', 'http://scim.test/healthz', { token: null });
    assert.equal(result.status, 200);
  });

  it('answers /readyz 200 when the database responds and 503 when it does not', async () => {
    assert.equal((await h.call('GET', 'http://scim.test/readyz', { token: null })).status, 200);
    const broken = await createHarness({ overrides: () => ({ store: { ping: () => Promise.reject(new Error('connection refused')) } }) });
    try {
      const result = await broken.call('GET', 'http://scim.test/readyz', { token: null });
      assert.equal(result.status, 503);
      assert.equal(result.json.database, 'unreachable');
    } finally {
      await broken.close();
    }
  });

  it('exposes request counts by route template, latency histograms and provisioning operations', async () => {
    const created = await h.call('POST', '/Users', { body: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'metrics@example.com' } });
    await h.call('GET', `/Users/${created.json.id}`);
    await h.call('POST', '/Users', { body: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'metrics@example.com' } });
    const result = await h.app.request('http://scim.test/metrics');
    assert.match(result.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    const text = await result.text();
    assert.match(text, /scimd_http_requests_total\{method="GET",route="\/scim\/v2\/Users\/:id",status="200"\} 1/);
    assert.match(text, /scimd_http_request_duration_seconds_bucket\{method="POST",route="\/scim\/v2\/Users",le="\+Inf"\} 2/);
    assert.match(text, /scimd_provisioning_operations_total\{operation="create",outcome="success",resource="User"\} 1/);
    assert.match(text, /scimd_provisioning_operations_total\{operation="create",outcome="failure",resource="User"\} 1/);
    assert.equal(text.includes(created.json.id), false);
  });
});

describe('request ids and unexpected errors', () => {
  it('echoes a sane X-Request-Id and replaces an unsafe one', async () => {
    const kept = await h.call('GET', '/Users', { headers: { 'X-Request-Id': 'entra-1234.abc' } });
    assert.equal(kept.headers.get('x-request-id'), 'entra-1234.abc');
    const replaced = await h.call('GET', '/Users', { headers: { 'X-Request-Id': 'bad id\nwith newline'.replace('\n', ' ') } });
    assert.match(replaced.headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/);
  });

  it('turns an unexpected failure into a generic 500 and logs the cause with the request id', async () => {
    const failing = await createHarness({
      overrides: (deps) => ({ users: { ...deps.users, get: () => Promise.reject(new Error('disk on fire')) } }),
    });
    try {
      const result = await failing.call('GET', '/Users/some-id', { headers: { 'X-Request-Id': 'req-500' } });
      assert.equal(result.status, 500);
      assert.equal(result.json.detail.includes('disk on fire'), false);
      assert.match(result.json.detail, /req-500/);
      const line = failing.logs.find((l) => l['level'] === 'error');
      assert.equal(line?.['requestId'], 'req-500');
      assert.match(JSON.stringify(line?.['err']), /disk on fire/);
    } finally {
      await failing.close();
    }
  });
});
