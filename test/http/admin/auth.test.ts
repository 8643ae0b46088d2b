import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { assertError, createAdminHarness, OPERATOR, testDialects, type AdminHarness } from './harness.ts';

for (const dialect of await testDialects()) {
  describe(`admin API authentication and access on ${dialect.name}`, () => {
    let h: AdminHarness;
    before(async () => {
      h = await createAdminHarness(dialect);
    });
    after(() => h.close());

    it('asks for credentials with a 401 and a Bearer challenge when none are sent', async () => {
      const result = await h.call('GET', `/organizations/${h.acme}`, { token: null });
      assertError(result, 401, undefined, /^Authentication required: send "Authorization: Bearer/);
      assert.equal(result.headers.get('WWW-Authenticate'), 'Bearer realm="scimd"');
      assertError(await h.call('GET', '/organizations', { token: null, headers: { Authorization: 'Basic YTpi' } }), 401, undefined, /must use the Bearer scheme/);
    });

    it('refuses unknown, revoked and expired tokens of every kind with 401', async () => {
      assertError(await h.call('GET', '/organizations', { token: 'scimd_session_' + 'x'.repeat(43) }), 401, undefined, /session has expired or was ended; log in again/);
      assertError(await h.call('GET', '/organizations', { token: 'scimd_setup_' + 'x'.repeat(43) }), 401, undefined, /^The setup link is not valid/);
      assertError(await h.call('GET', '/organizations', { token: 'scimd_0badc0de_' + 'x'.repeat(43) }), 401, undefined, /not a valid key \(unknown\)/);
      const secret = await h.key({ scopes: ['org:read'] });
      const [key] = (await h.keys.list(h.acme)).filter((k) => k.type === 'api');
      await h.keys.revoke({ orgId: h.acme, actor: { type: 'system', id: null, name: 'test' } }, key!.id);
      assertError(await h.call('GET', `/organizations/${h.acme}`, { token: secret }), 401, undefined, /not a valid key \(revoked\)/);
    });

    it('refuses a SCIM key with 403: it may provision and nothing else', async () => {
      const scim = await h.key({ type: 'scim', description: 'Entra' });
      assertError(await h.call('GET', `/organizations/${h.acme}`, { token: scim }), 403, undefined, /^This key is a SCIM key; it can only provision users and groups/);
    });

    it('lets an API key act only within its scopes and answers a missing scope with 403', async () => {
      const reader = await h.key({ scopes: ['users:read'] });
      assert.equal((await h.call('GET', `/organizations/${h.acme}/users`, { token: reader })).status, 200);
      assertError(await h.call('GET', `/organizations/${h.acme}/keys`, { token: reader }), 403, undefined, /^This API key lacks the scope "keys:read" needed to list api keys$/);
      assertError(await h.call('POST', '/organizations', { token: reader, body: { name: 'Evil' } }), 403, undefined, /^Only operators may create an organization$/);
      const writer = await h.key({ scopes: ['keys:write'] });
      assert.equal((await h.call('GET', `/organizations/${h.acme}/keys`, { token: writer })).status, 200, 'keys:write includes keys:read');
    });

    it('answers every attempt on another organization with the same 404 as for a missing one', async () => {
      const acmeKey = await h.key({ scopes: ['org:read', 'users:read', 'keys:write', 'audit:read'] });
      const missing = await h.call('GET', '/organizations/00000000-0000-0000-0000-000000000000', { token: acmeKey });
      assertError(missing, 404, undefined, /^Organization "00000000-0000-0000-0000-000000000000" not found$/);
      for (const [method, path, body] of [
        ['GET', `/organizations/${h.globex}`],
        ['GET', `/organizations/${h.globex}/users`],
        ['GET', `/organizations/${h.globex}/keys`],
        ['POST', `/organizations/${h.globex}/keys`, { type: 'scim', description: 'sneaky' }],
        ['GET', `/organizations/${h.globex}/audit`],
        ['PUT', `/organizations/${h.globex}/scim`, { enabled: false }],
      ] as const) {
        const result = await h.call(method, path, { token: acmeKey, ...(body ? { body } : {}) });
        assertError(result, 404, undefined, new RegExp(`^Organization "${h.globex}" not found$`));
      }
      assert.equal((await h.orgs.get(h.globex)).scimEnabled, true, 'nothing changed');
      assert.deepEqual((await h.keys.list(h.globex)), []);
    });

    it('lists only its own organization to a key, and every organization to an operator', async () => {
      const key = await h.key({ scopes: ['org:read'] });
      assert.deepEqual((await h.call('GET', '/organizations', { token: key })).json.items.map((o: { id: string }) => o.id), [h.acme]);
      const noOrgScope = await h.key({ scopes: ['users:read'] });
      assert.deepEqual((await h.call('GET', '/organizations', { token: noOrgScope })).json.items, []);
      const all = await h.call('GET', '/organizations');
      assert.deepEqual(all.json.items.map((o: { name: string }) => o.name), ['Acme', 'Globex']);
    });

    it('honours an API key\'s IP allow-list', async () => {
      const key = await h.key({ scopes: ['org:read'], ipAllowlist: ['10.0.0.0/8'] });
      assert.equal((await h.call('GET', `/organizations/${h.acme}`, { token: key, remoteAddress: '10.1.2.3' })).status, 200);
      assertError(await h.call('GET', `/organizations/${h.acme}`, { token: key, remoteAddress: '192.0.2.1' }), 403, undefined, /may not be used from 192\.0\.2\.1; it has an IP allow-list/);
    });
  });
}

describe('operator sessions over the admin API', () => {
  let h: AdminHarness;
  before(async () => {
    h = await createAdminHarness();
  });
  after(() => h.close());

  it('logs in with e-mail and password, sets a strict HttpOnly cookie, and the cookie authenticates', async () => {
    const login = await h.call('POST', '/session', { token: null, body: OPERATOR });
    assert.equal(login.status, 201);
    assert.ok(login.json.token.startsWith('scimd_session_'));
    assert.equal(login.json.operator.email, OPERATOR.email);
    const cookie = login.headers.get('Set-Cookie') ?? '';
    assert.match(cookie, new RegExp(`^scimd_session=${login.json.token}; `));
    assert.match(cookie, /HttpOnly/);
    assert.match(cookie, /SameSite=Strict/);
    assert.match(cookie, /Path=\/api\/v1/);
    const me = await h.call('GET', '/session', { token: null, headers: { Cookie: `scimd_session=${login.json.token}` } });
    assert.deepEqual({ ...me.json, id: undefined }, { kind: 'operator', id: undefined, name: OPERATOR.email, orgId: null, scopes: ['*'], expiresAt: '2026-03-01T12:00:00.000Z' });
  });

  it('refuses a wrong password with 401 and no cookie', async () => {
    const result = await h.call('POST', '/session', { token: null, body: { email: OPERATOR.email, password: 'not the password' } });
    assertError(result, 401, undefined, /^The e-mail address or the password is wrong$/);
    assert.equal(result.headers.get('Set-Cookie'), null);
    assertError(await h.call('POST', '/session', { token: null, body: { email: OPERATOR.email } }), 400, 'invalidValue', /^Invalid request body: body\.password: /);
    assertError(await h.call('POST', '/session', { token: null, rawBody: 'email=a', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } }), 415, undefined, /Unsupported Content-Type "application\/x-www-form-urlencoded"/);
  });

  it('refuses cookie-authenticated changes from another origin (CSRF) but not bearer ones', async () => {
    const login = await h.call('POST', '/session', { token: null, body: OPERATOR });
    const cookie = { Cookie: `scimd_session=${login.json.token}` };
    const foreign = await h.call('POST', '/organizations', { token: null, body: { name: 'Evil' }, headers: { ...cookie, Origin: 'https://evil.test' } });
    assertError(foreign, 403, undefined, /^Cross-origin request from https:\/\/evil\.test refused/);
    const same = await h.call('POST', '/organizations', { token: null, body: { name: 'Initech' }, headers: { ...cookie, Origin: 'http://scim.test' } });
    assert.equal(same.status, 201);
    const bearer = await h.call('POST', '/organizations', { token: login.json.token, body: { name: 'Umbrella' }, headers: { Origin: 'https://elsewhere.test' } });
    assert.equal(bearer.status, 201);
  });

  it('ends the session on logout and clears the cookie', async () => {
    const login = await h.call('POST', '/session', { token: null, body: OPERATOR });
    const out = await h.call('DELETE', '/session', { token: login.json.token });
    assert.equal(out.status, 204);
    assert.match(out.headers.get('Set-Cookie') ?? '', /^scimd_session=; /);
    assertError(await h.call('GET', '/session', { token: login.json.token }), 401, undefined, /session has expired or was ended/);
  });

  it('expires sessions after twelve hours', async () => {
    const login = await h.call('POST', '/session', { token: null, body: OPERATOR });
    h.advance(12 * 60 * 60 * 1000);
    assertError(await h.call('GET', '/session', { token: login.json.token }), 401, undefined, /session has expired/);
  });
});
