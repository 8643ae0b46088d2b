/**
 * Bearer authentication, tenancy, IP allow-lists, the SCIM toggle and rate limiting at the HTTP edge.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SYSTEM_ACTOR } from '../../src/services/organizations.ts';
import { createHarness, type CallResult, type Harness } from './harness.ts';

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
let h: Harness;

before(async () => {
  h = await createHarness();
});
after(() => h.close());

function assertScimError(result: CallResult, status: number, detail: string) {
  assert.equal(result.status, status);
  assert.equal(result.json.status, String(status));
  assert.deepEqual(result.json.schemas, ['urn:ietf:params:scim:api:messages:2.0:Error']);
  assert.ok(result.json.detail.includes(detail), result.json.detail);
}

describe('bearer authentication', () => {
  it('accepts the Bearer scheme in any letter case', async () => {
    for (const scheme of ['Bearer', 'bearer', 'BEARER']) {
      const result = await h.call('GET', '/Users', { token: null, headers: { Authorization: `${scheme} ${h.token}` } });
      assert.equal(result.status, 200, scheme);
    }
  });

  it('answers 401 with an invalid_token challenge for a revoked key', async () => {
    const secret = await h.newKey({ description: 'to revoke' });
    assert.equal((await h.call('GET', '/Users', { token: secret })).status, 200);
    const keys = await h.keys.list(h.orgId);
    const key = keys.find((k) => k.description === 'to revoke');
    await h.keys.revoke({ orgId: h.orgId, actor: SYSTEM_ACTOR }, key!.id);
    const result = await h.call('GET', '/Users', { token: secret });
    assertScimError(result, 401, 'revoked');
    assert.equal(result.headers.get('www-authenticate'), 'Bearer realm="scimd", error="invalid_token"');
  });

  it('answers 401 for a key past its expiry date', async () => {
    const secret = await h.newKey({ description: 'short-lived', expiresAt: '2026-03-02T00:00:00Z' });
    assert.equal((await h.call('GET', '/Users', { token: secret })).status, 200);
    h.advance(2 * 24 * 3600 * 1000);
    assertScimError(await h.call('GET', '/Users', { token: secret }), 401, 'expired');
  });

  it('answers 403 for an admin API key on the SCIM API', async () => {
    const secret = await h.newKey({ type: 'api', description: 'admin' });
    assertScimError(await h.call('GET', '/Users', { token: secret }), 403, 'admin API key');
  });

  it('requires the token on discovery endpoints too, because schemas are per organization', async () => {
    assert.equal((await h.call('GET', '/ServiceProviderConfig', { token: null })).status, 401);
    assert.equal((await h.call('GET', '/Schemas', { token: null })).status, 401);
  });

  it('never writes the token to the logs', async () => {
    await h.call('GET', '/Users?filter=userName+eq+%22x%22');
    await h.call('GET', '/Users', { token: 'scimd_bad' });
    const text = JSON.stringify(h.logs);
    assert.ok(!text.includes(h.token));
    assert.ok(!text.includes('scimd_bad'));
    assert.ok(h.logs.length > 0 && h.logs.every((line) => typeof line['requestId'] === 'string'));
  });
});

describe('the SCIM toggle of the organization', () => {
  it('answers 403 "SCIM provisioning is disabled for this organization", never a 200 with an empty body', async () => {
    const ctx = { orgId: h.orgId, actor: SYSTEM_ACTOR };
    await h.orgs.setScimEnabled(ctx, false);
    try {
      const result = await h.call('GET', '/Users?filter=userName+eq+%22x%22');
      assertScimError(result, 403, 'SCIM provisioning is disabled for this organization');
    } finally {
      await h.orgs.setScimEnabled(ctx, true);
    }
    assert.equal((await h.call('GET', '/Users')).status, 200);
  });
});

describe('IP allow-lists', () => {
  it('lets a caller inside an IPv4 CIDR through and stops one outside with 403', async () => {
    const secret = await h.newKey({ ipAllowlist: ['10.1.0.0/16'] });
    assert.equal((await h.call('GET', '/Users', { token: secret, remoteAddress: '10.1.2.3' })).status, 200);
    assert.equal((await h.call('GET', '/Users', { token: secret, remoteAddress: '::ffff:10.1.200.1' })).status, 200);
    assertScimError(await h.call('GET', '/Users', { token: secret, remoteAddress: '10.2.0.1' }), 403, '10.2.0.1');
  });

  it('checks IPv6 callers against IPv6 CIDRs', async () => {
    const secret = await h.newKey({ ipAllowlist: ['2001:db8::/32', '192.0.2.7'] });
    assert.equal((await h.call('GET', '/Users', { token: secret, remoteAddress: '2001:db8:1::5' })).status, 200);
    assert.equal((await h.call('GET', '/Users', { token: secret, remoteAddress: '192.0.2.7' })).status, 200);
    assertScimError(await h.call('GET', '/Users', { token: secret, remoteAddress: '2001:db9::1' }), 403, 'IP allow-list');
  });

  it('ignores X-Forwarded-For unless the app trusts a proxy', async () => {
    const secret = await h.newKey({ ipAllowlist: ['10.9.0.0/16'] });
    const spoofed = await h.call('GET', '/Users', { token: secret, remoteAddress: '203.0.113.9', headers: { 'X-Forwarded-For': '10.9.0.1' } });
    assert.equal(spoofed.status, 403);
  });

  it('behind a trusted proxy uses the address the proxy appended', async () => {
    const proxied = await createHarness({ trustProxy: true });
    try {
      const secret = await proxied.newKey({ ipAllowlist: ['10.9.0.0/16'] });
      const ok = await proxied.call('GET', '/Users', { token: secret, remoteAddress: '127.0.0.1', headers: { 'X-Forwarded-For': '1.2.3.4, 10.9.0.1' } });
      assert.equal(ok.status, 200);
      const spoof = await proxied.call('GET', '/Users', { token: secret, remoteAddress: '127.0.0.1', headers: { 'X-Forwarded-For': '10.9.0.1, 1.2.3.4' } });
      assert.equal(spoof.status, 403);
    } finally {
      await proxied.close();
    }
  });
});

describe('tenancy', () => {
  it('scopes every call to the key\'s organization', async () => {
    const created = await h.call('POST', '/Users', { body: { schemas: [USER], userName: 'tenant-a@example.com' } });
    assert.equal(created.status, 201);
    const other = await h.orgs.create(SYSTEM_ACTOR, { name: 'Other Corp' });
    const secret = await h.newKey({ description: 'other' }, other.id);
    assert.equal((await h.call('GET', `/Users/${created.json.id}`, { token: secret })).status, 404);
    const search = await h.call('GET', '/Users?filter=userName+eq+%22tenant-a@example.com%22', { token: secret });
    assert.equal(search.json.totalResults, 0);
    assert.equal((await h.call('DELETE', `/Users/${created.json.id}`, { token: secret })).status, 404);
    // The same userName is free in the other organization.
    assert.equal((await h.call('POST', '/Users', { token: secret, body: { schemas: [USER], userName: 'tenant-a@example.com' } })).status, 201);
  });
});

describe('rate limiting', () => {
  it('answers 429 with Retry-After and a SCIM error once a key\'s burst is spent, then recovers', async () => {
    const limited = await createHarness({ rateLimit: { perSecond: 2, burst: 3 } });
    try {
      for (let i = 0; i < 3; i += 1) assert.equal((await limited.call('GET', '/Users')).status, 200);
      const refused = await limited.call('GET', '/Users');
      assertScimError(refused, 429, 'Too many requests');
      assert.equal(refused.json.scimType, undefined);
      assert.equal(refused.headers.get('retry-after'), '1');
      // Another key has its own bucket.
      const other = await limited.newKey({ description: 'second' });
      assert.equal((await limited.call('GET', '/Users', { token: other })).status, 200);
      limited.advance(1000);
      assert.equal((await limited.call('GET', '/Users')).status, 200);
    } finally {
      await limited.close();
    }
  });
});
