import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { assertError, createAdminHarness, testDialects, type AdminHarness } from './harness.ts';

const DAY = 86_400_000;

for (const dialect of await testDialects()) {
  describe(`admin API keys, setup links and the mail log on ${dialect.name}`, () => {
    let h: AdminHarness;
    before(async () => {
      h = await createAdminHarness(dialect);
    });
    after(() => h.close());

    it('generates a key whose secret is shown once, lists it without the secret, and revokes it for the next request', async () => {
      const created = await h.call('POST', `/organizations/${h.acme}/keys`, { body: { type: 'scim', description: 'Entra ID', expiresAt: '2026-06-30' } });
      assert.equal(created.status, 201);
      const { key, secret } = created.json;
      assert.match(secret, /^scimd_[0-9a-f]{8}_/);
      assert.deepEqual([key.type, key.description, key.expiresAt, key.status, key.createdBy], ['scim', 'Entra ID', '2026-06-30T23:59:59.999Z', 'active', 'ada@vendor.test']);
      const listed = await h.call('GET', `/organizations/${h.acme}/keys`);
      assert.equal(listed.text.includes(secret), false, 'the secret never appears again');
      assert.ok(listed.json.items.some((k: { id: string }) => k.id === key.id));
      assert.equal((await h.call('GET', '/scim/v2/Users', { token: secret })).status, 200);
      const revoked = await h.call('DELETE', `/organizations/${h.acme}/keys/${key.id}`);
      assert.equal(revoked.json.status, 'revoked');
      assert.equal((await h.call('GET', '/scim/v2/Users', { token: secret })).status, 401);
      assertError(await h.call('GET', `/organizations/${h.globex}/keys/${key.id}`), 404, undefined, new RegExp(`^API key "${key.id}" not found$`));
    });

    it('refuses bad key input with the service\'s details', async () => {
      assertError(await h.call('POST', `/organizations/${h.acme}/keys`, { body: { type: 'scim', description: 'x', expiresAt: '2020-01-01' } }), 400, 'invalidValue', /expiresAt "2020-01-01" is in the past/);
      assertError(await h.call('POST', `/organizations/${h.acme}/keys`, { body: { type: 'api', description: 'x', scopes: ['everything'] } }), 400, 'invalidValue', /^Unknown scope\(s\) "everything"; valid scopes: org:read, /);
      assertError(await h.call('POST', `/organizations/${h.acme}/keys`, { body: { type: 'root', description: 'x' } }), 400, 'invalidValue', /body\.type/);
    });

    it('never lets a key grant scopes it does not hold', async () => {
      const keyAdmin = await h.key({ scopes: ['keys:write', 'users:read'] });
      const ok = await h.call('POST', `/organizations/${h.acme}/keys`, { token: keyAdmin, body: { type: 'api', description: 'reader', scopes: ['users:read'] } });
      assert.equal(ok.status, 201);
      assert.equal(ok.json.key.createdBy, 'API key (host app)');
      assertError(await h.call('POST', `/organizations/${h.acme}/keys`, { token: keyAdmin, body: { type: 'api', description: 'boss', scopes: ['org:write'] } }), 403, undefined, /^A key cannot be given scopes its creator does not hold: org:write$/);
    });

    it('lets an operator create a setup link whose holder manages only that organization\'s toggle, keys and history', async () => {
      const created = await h.call('POST', `/organizations/${h.acme}/setup-links`, { body: { expiresIn: '2d' } });
      assert.equal(created.status, 201);
      const { token, url, link } = created.json;
      assert.equal(url, `http://scim.test/console/setup#token=${token}`);
      assert.equal(link.expiresAt, new Date(h.now().getTime() + 2 * DAY).toISOString());
      const me = await h.call('GET', '/session', { token });
      assert.deepEqual([me.json.kind, me.json.orgId, me.json.scopes], ['setupLink', h.acme, ['audit:read', 'keys:read', 'keys:write', 'org:read', 'org:scim']]);
      assert.equal((await h.call('PUT', `/organizations/${h.acme}/scim`, { token, body: { enabled: true } })).status, 200);
      const key = await h.call('POST', `/organizations/${h.acme}/keys`, { token, body: { type: 'scim', description: 'Okta' } });
      assert.equal(key.status, 201);
      assert.match(key.json.key.createdBy, /^Customer admin \(setup link /);
      assert.equal((await h.call('GET', `/organizations/${h.acme}/audit`, { token })).status, 200);
      assertError(await h.call('GET', `/organizations/${h.acme}/users`, { token }), 403, undefined, /^A setup link lacks the scope "users:read"/);
      assertError(await h.call('PATCH', `/organizations/${h.acme}`, { token, body: { name: 'Renamed' } }), 403, undefined, /lacks the scope "org:write"/);
      assertError(await h.call('GET', `/organizations/${h.globex}/keys`, { token }), 404, undefined, /not found/);
      assertError(await h.call('POST', `/organizations/${h.acme}/setup-links`, { token, body: {} }), 403, undefined, /^Only operators may create a setup link$/);
      assertError(await h.call('POST', `/organizations/${h.acme}/keys`, { token, body: { type: 'api', description: 'x', scopes: ['users:read'] } }), 403, undefined, /does not hold: users:read/);
    });

    it('lists and revokes setup links, and refuses revoked and expired ones', async () => {
      const first = (await h.call('POST', `/organizations/${h.acme}/setup-links`, { body: {} })).json;
      const second = (await h.call('POST', `/organizations/${h.acme}/setup-links`, { body: { expiresIn: '1h' } })).json;
      const listed = await h.call('GET', `/organizations/${h.acme}/setup-links`);
      assert.equal(listed.text.includes(first.token), false);
      assert.equal(listed.json.items[0].id, second.link.id, 'newest first');
      assert.equal((await h.call('DELETE', `/organizations/${h.acme}/setup-links/${first.link.id}`)).json.status, 'revoked');
      assertError(await h.call('GET', '/session', { token: first.token }), 401, undefined, /^The setup link has been revoked; ask your provider for a new one$/);
      h.advance(60 * 60 * 1000);
      assertError(await h.call('GET', '/session', { token: second.token }), 401, undefined, /^The setup link has expired/);
      assertError(await h.call('POST', `/organizations/${h.acme}/setup-links`, { body: { expiresIn: '31d' } }), 400, 'invalidValue', /within 30 days/);
      assertError(await h.call('POST', `/organizations/${h.acme}/setup-links`, { body: { expiresIn: 'soon' } }), 400, 'invalidValue', /"soon" is not a duration/);
      assertError(await h.call('POST', '/organizations/nope/setup-links', { body: {} }), 404, undefined, /^Organization "nope" not found$/);
    });

    it('shows the mail log newest first with a cursor', async () => {
      for (const subject of ['one', 'two', 'three']) {
        await h.store.mailLog.append(h.acme, { kind: 'key-expiring', recipients: ['it@acme.test'], subject, body: 'b', transport: 'log', status: 'logged', messageId: null, error: null });
      }
      const first = await h.call('GET', `/organizations/${h.acme}/mail?count=2`);
      assert.deepEqual(first.json.items.map((m: { subject: string }) => m.subject), ['three', 'two']);
      const second = await h.call('GET', `/organizations/${h.acme}/mail?count=2&cursor=${first.json.nextCursor}`);
      assert.deepEqual(second.json.items.map((m: { subject: string }) => m.subject), ['one']);
      assert.equal(second.json.nextCursor, undefined);
      const reader = await h.key({ scopes: ['mail:read'] }, h.globex);
      assert.deepEqual((await h.call('GET', `/organizations/${h.globex}/mail`, { token: reader })).json.items, []);
    });
  });
}
