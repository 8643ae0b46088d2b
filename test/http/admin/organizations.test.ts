import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { assertError, createAdminHarness, testDialects, type AdminHarness } from './harness.ts';

const SCIM_USER = { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'bjensen@acme.test', name: { givenName: 'Barbara', familyName: 'Jensen' } };

for (const dialect of await testDialects()) {
  describe(`admin API organizations, toggle, policies and roles on ${dialect.name}`, () => {
    let h: AdminHarness;
    before(async () => {
      h = await createAdminHarness(dialect);
    });
    after(() => h.close());

    it('lets an operator create, show, rename and delete an organization, with its Tenant URL', async () => {
      const created = await h.call('POST', '/organizations', { body: { name: 'Initech Ltd.' } });
      assert.equal(created.status, 201);
      assert.equal(created.json.slug, 'initech-ltd');
      assert.equal(created.json.tenantUrl, 'http://scim.test/scim/v2');
      assert.equal(created.json.scimEnabled, true);
      const id = created.json.id;
      assert.equal((await h.call('GET', `/organizations/${id}`)).json.name, 'Initech Ltd.');
      const renamed = await h.call('PATCH', `/organizations/${id}`, { body: { name: 'Initech' } });
      assert.deepEqual([renamed.json.name, renamed.json.slug], ['Initech', 'initech-ltd']);
      assert.equal((await h.call('DELETE', `/organizations/${id}`)).status, 204);
      assertError(await h.call('GET', `/organizations/${id}`), 404, undefined, new RegExp(`^Organization "${id}" not found$`));
      assertError(await h.call('DELETE', `/organizations/${id}`), 404, undefined, /not found/);
    });

    it('creates an organization with a policy preset, and refuses an unknown preset', async () => {
      const open = await h.call('POST', '/organizations', { body: { name: 'Open Co' } });
      assert.equal((await h.call('GET', `/organizations/${open.json.id}/policies`)).json.userNameMustBeEmail, false);
      const strict = await h.call('POST', '/organizations', { body: { name: 'Email Co', preset: 'email-identity' } });
      assert.equal(strict.status, 201);
      const view = (await h.call('GET', `/organizations/${strict.json.id}/policies`)).json;
      assert.deepEqual([view.userNameMustBeEmail, view.userNameImmutable, view.userTypeMustNameRole, view.deriveDisplayName], [true, true, true, true]);
      assertError(await h.call('POST', '/organizations', { body: { name: 'Typo Co', preset: 'email' } }), 400, 'invalidValue', /body\.preset/);
      assertError(await h.call('PATCH', `/organizations/${open.json.id}/policies`, { body: { preset: 'email' } }), 400, 'invalidValue', /body\.preset/);
    });

    it('accepts the RFC 7643 example user "bjensen" over SCIM on a fresh organization and refuses it under email-identity', async () => {
      const open = await h.call('POST', '/organizations', { body: { name: 'RFC Co' } });
      const openKey = await h.key({ type: 'scim', description: 'Generic client' }, open.json.id);
      const bjensen = { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'bjensen', userType: 'Contractor', name: { givenName: 'Barbara', familyName: 'Jensen' } };
      const created = await h.call('POST', '/scim/v2/Users', { token: openKey, body: bjensen });
      assert.equal(created.status, 201);
      assert.equal(created.json.userName, 'bjensen');
      assert.equal(created.json.userType, 'Contractor', 'kept as sent');
      const members = await h.call('GET', `/organizations/${open.json.id}/members`);
      assert.deepEqual(members.json.items.find((u: { id: string }) => u.id === created.json.id)?.role, { role: 'Employee', assignedBy: 'defaultRole' });
      const history = await h.call('GET', `/organizations/${open.json.id}/audit?action=user.created`);
      assert.equal(history.json.items[0].changes.roleMapping.role, 'Employee');

      const strict = await h.call('POST', '/organizations', { body: { name: 'Email Identity Co', preset: 'email-identity' } });
      const strictKey = await h.key({ type: 'scim', description: 'Generic client' }, strict.json.id);
      const refused = await h.call('POST', '/scim/v2/Users', { token: strictKey, body: bjensen });
      assertError(refused, 400, 'invalidValue', /userName "bjensen" is not an e-mail address/);
    });

    it('validates bodies field by field and refuses unknown fields', async () => {
      assertError(await h.call('POST', '/organizations', { body: { name: '' } }), 400, 'invalidValue', /^name is required$/);
      assertError(await h.call('POST', '/organizations', { body: { nmae: 'x' } }), 400, 'invalidValue', /^Invalid request body: body\.name: .*; body: Unrecognized key: "nmae"$/);
      assertError(await h.call('POST', '/organizations', { rawBody: '{"name":' }), 400, 'invalidSyntax', /^The request body is not valid JSON/);
      assertError(await h.call('GET', '/organizations?count=0'), 400, 'invalidValue', /^Invalid request query: query\.count: /);
    });

    it('searches organizations by name or slug in any case, literally, and pages the matches', async () => {
      for (const name of ['Umbrella Search One', 'umbrella search two', 'Umbrella Search Three', 'Other 100% Search']) await h.call('POST', '/organizations', { body: { name } });
      const first = await h.call('GET', '/organizations?search=UMBRELLA%20SEARCH&count=2');
      assert.equal(first.status, 200);
      assert.equal(first.json.items.length, 2);
      const rest = await h.call('GET', `/organizations?search=umbrella%20search&count=2&cursor=${first.json.nextCursor}`);
      const names = [...first.json.items, ...rest.json.items].map((o: { name: string }) => o.name).sort();
      assert.deepEqual(names, ['Umbrella Search One', 'Umbrella Search Three', 'umbrella search two']);
      assert.equal(rest.json.nextCursor, undefined);
      assert.deepEqual((await h.call('GET', '/organizations?search=100%25')).json.items.map((o: { name: string }) => o.name), ['Other 100% Search']);
      assert.deepEqual((await h.call('GET', '/organizations?search=%25%25')).json.items, []);
      assert.deepEqual((await h.call('GET', '/organizations?search=other-100')).json.items.map((o: { name: string }) => o.name), ['Other 100% Search']);
    });

    it('pages organizations with a cursor', async () => {
      for (const name of ['Org 1', 'Org 2', 'Org 3']) await h.call('POST', '/organizations', { body: { name } });
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await h.call('GET', `/organizations?count=2${cursor ? `&cursor=${cursor}` : ''}`);
        seen.push(...page.json.items.map((o: { name: string }) => o.name));
        cursor = page.json.nextCursor;
      } while (cursor);
      assert.deepEqual(seen.filter((n) => n.startsWith('Org ') || n === 'Acme' || n === 'Globex'), ['Acme', 'Globex', 'Org 1', 'Org 2', 'Org 3']);
    });

    it('turns SCIM off with effect on the very next SCIM request, and on again', async () => {
      const scim = await h.key({ type: 'scim', description: 'Entra' });
      assert.equal((await h.call('GET', '/scim/v2/Users', { token: scim })).status, 200);
      const off = await h.call('PUT', `/organizations/${h.acme}/scim`, { body: { enabled: false } });
      assert.equal(off.json.scimEnabled, false);
      const refused = await h.call('GET', '/scim/v2/Users', { token: scim });
      assert.equal(refused.status, 403);
      assert.equal(refused.json.detail, 'SCIM provisioning is disabled for this organization');
      await h.call('PUT', `/organizations/${h.acme}/scim`, { body: { enabled: true } });
      assert.equal((await h.call('GET', '/scim/v2/Users', { token: scim })).status, 200);
      const history = await h.call('GET', `/organizations/${h.acme}/audit?action=organization.scim_disabled`);
      assert.equal(history.json.items[0].actorName, 'ada@vendor.test');
      assert.equal(history.json.items[0].actorType, 'admin');
    });

    it('lists the policy presets with what each sets, to any signed-in caller and to nobody else', async () => {
      const presets = await h.call('GET', '/policy-presets');
      assert.equal(presets.status, 200);
      assert.deepEqual(presets.json.items.map((p: { name: string }) => p.name), ['rfc-open', 'email-identity']);
      const email = presets.json.items[1];
      assert.deepEqual(email.policies, { userNameMustBeEmail: true, allowedDomains: [], userNameImmutable: true, deriveDisplayName: true, userTypeMustNameRole: true, defaultRole: 'Employee' });
      assert.match(email.description, /e-mail/);
      const readOnly = await h.key({ type: 'api', description: 'reader', scopes: ['users:read'] });
      assert.equal((await h.call('GET', '/policy-presets', { token: readOnly })).json.items[0].policies.userNameMustBeEmail, false);
      assert.equal((await h.call('GET', '/policy-presets', { token: null })).status, 401);
    });

    it('shows and changes policies, which the SCIM API then enforces', async () => {
      const policies = await h.call('GET', `/organizations/${h.acme}/policies`);
      assert.equal(policies.json.userNameMustBeEmail, false, 'a new organization is rfc-open');
      assert.equal(policies.json.userTypeMustNameRole, false);
      const changed = await h.call('PATCH', `/organizations/${h.acme}/policies`, { body: { preset: 'email-identity', userNameImmutable: false, allowedDomains: ['acme.test'] } });
      assert.equal(changed.json.userNameMustBeEmail, true);
      assert.equal(changed.json.userTypeMustNameRole, true);
      assert.deepEqual(changed.json.allowedDomains, ['acme.test']);
      const scim = await h.key({ type: 'scim', description: 'Okta' });
      const outside = await h.call('POST', '/scim/v2/Users', { token: scim, body: { ...SCIM_USER, userName: 'x@elsewhere.test' } });
      assert.equal(outside.status, 400);
      assert.equal((await h.call('POST', '/scim/v2/Users', { token: scim, body: SCIM_USER })).status, 201);
      assertError(await h.call('PATCH', `/organizations/${h.acme}/policies`, { body: { defaultRole: 'Nobody' } }), 400, 'invalidValue', /defaultRole "Nobody" is not a role of this organization/);
      assertError(await h.call('PATCH', `/organizations/${h.acme}/policies`, { body: { userNameImmutable: 'yes' } }), 400, 'invalidValue', /body\.userNameImmutable/);
    });

    it('sets the notification addresses reminders go to', async () => {
      assert.deepEqual((await h.call('GET', `/organizations/${h.acme}/notifications`)).json, { emails: [] });
      const set = await h.call('PUT', `/organizations/${h.acme}/notifications`, { body: { emails: ['it@acme.test', ' it@acme.test', 'sec@acme.test'] } });
      assert.deepEqual(set.json, { emails: ['it@acme.test', 'sec@acme.test'] });
      assert.deepEqual((await h.call('GET', `/organizations/${h.acme}/notifications`)).json.emails, ['it@acme.test', 'sec@acme.test']);
      assertError(await h.call('PUT', `/organizations/${h.acme}/notifications`, { body: { emails: ['nope'] } }), 400, 'invalidValue', /^notificationEmails: "nope" is not an e-mail address$/);
    });

    it('manages roles: create, rename, refuse to delete one in use, delete an unused one', async () => {
      const roles = await h.call('GET', `/organizations/${h.acme}/roles`);
      assert.deepEqual(roles.json.items.map((r: { name: string }) => r.name).sort(), ['Admin', 'Editor', 'Employee', 'Viewer']);
      const created = await h.call('POST', `/organizations/${h.acme}/roles`, { body: { name: 'Auditor', description: 'Reads history' } });
      assert.equal(created.status, 201);
      assert.equal(created.json.users, 0);
      const renamed = await h.call('PATCH', `/organizations/${h.acme}/roles/${created.json.id}`, { body: { name: 'Inspector' } });
      assert.equal(renamed.json.name, 'Inspector');
      const scim = await h.key({ type: 'scim', description: 'Entra' });
      await h.call('POST', '/scim/v2/Users', { token: scim, body: { ...SCIM_USER, userName: 'ins@acme.test', userType: 'Inspector' } });
      const refused = await h.call('DELETE', `/organizations/${h.acme}/roles/${created.json.id}`);
      assert.equal(refused.status, 409);
      const spare = await h.call('POST', `/organizations/${h.acme}/roles`, { body: { name: 'Spare' } });
      assert.equal((await h.call('DELETE', `/organizations/${h.acme}/roles/${spare.json.id}`)).status, 204);
      const members = await h.call('GET', `/organizations/${h.acme}/members`);
      assert.deepEqual(members.json.items.map((u: { userName: string }) => u.userName), ['ins@acme.test']);
    });

    it('answers unknown admin paths with 404 and known paths with another method with 405 and Allow', async () => {
      assertError(await h.call('GET', '/nowhere'), 404, undefined, /^No admin API endpoint at \/api\/v1\/nowhere; see \/api\/v1\/openapi\.json$/);
      const wrong = await h.call('POST', `/organizations/${h.acme}/scim`, { body: {} });
      assertError(wrong, 405, undefined, /^POST is not supported on .*; use PUT$/);
      assert.equal(wrong.headers.get('Allow'), 'PUT');
    });
  });
}
