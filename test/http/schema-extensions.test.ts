import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { assertError, createAdminHarness, testDialects, type AdminHarness } from './admin/harness.ts';

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const ENTRA = 'urn:ietf:params:scim:schemas:extension:CustomExtensionName:2.0:User';
const TEAM = 'urn:acme:params:scim:schemas:extension:Team:2.0:Group';

/** What an admin registers: Entra's sample custom attribute plus the attributes a SaaS app needs. */
const DEFINITION = {
  name: 'CustomExtensionName',
  description: 'Custom attributes mapped in Entra',
  attributes: [
    { name: 'CustomAttribute', type: 'string' },
    { name: 'costCenter', type: 'string' },
    { name: 'licenceTier', type: 'string', canonicalValues: ['free', 'pro', 'enterprise'] },
    { name: 'badge', type: 'integer' },
    { name: 'contractor', type: 'boolean' },
    { name: 'pin', type: 'string', mutability: 'writeOnly', returned: 'never' },
    { name: 'employeeId', type: 'string', mutability: 'immutable' },
  ],
};

const schemasPath = (org: string, urn?: string) => `/organizations/${org}/schemas${urn === undefined ? '' : `/${encodeURIComponent(urn)}`}`;

for (const dialect of await testDialects()) {
  describe(`organization extension schemas end to end on ${dialect.name}`, () => {
    let h: AdminHarness;
    let scim: string;
    let globexScim: string;
    const ids: Record<string, string> = {};
    before(async () => {
      h = await createAdminHarness(dialect);
      scim = await h.key({ type: 'scim', description: 'Entra' });
      globexScim = await h.key({ type: 'scim', description: 'Okta' }, h.globex);
    });
    after(() => h.close());

    it('registers a schema with PUT (201, version 1), replaces it (200, version 2) and lists it', async () => {
      const created = await h.call('PUT', schemasPath(h.acme, ENTRA), { body: { ...DEFINITION, attributes: DEFINITION.attributes.slice(0, 2) } });
      assert.equal(created.status, 201);
      assert.equal(created.json.id, ENTRA);
      assert.equal(created.json.version, 1);
      assert.equal(created.json.resourceType, 'User');
      assert.deepEqual(created.json.attributes[0], { name: 'CustomAttribute', type: 'string', multiValued: false, required: false, caseExact: false, mutability: 'readWrite', returned: 'default', uniqueness: 'none' });
      const replaced = await h.call('PUT', schemasPath(h.acme, ENTRA), { body: { ...DEFINITION, id: ENTRA } });
      assert.equal(replaced.status, 200);
      assert.equal(replaced.json.version, 2);
      assert.equal(replaced.json.attributes.length, 7);
      const team = await h.call('PUT', schemasPath(h.acme, TEAM), { body: { resourceType: 'Group', attributes: [{ name: 'budget', type: 'integer' }] } });
      assert.equal(team.status, 201);
      assert.equal(team.json.name, 'Team');
      const list = await h.call('GET', schemasPath(h.acme));
      assert.deepEqual(list.json.items.map((s: { id: string; resourceType: string }) => [s.id, s.resourceType]), [[TEAM, 'Group'], [ENTRA, 'User']]);
      assert.equal((await h.call('GET', schemasPath(h.acme, ENTRA.toLowerCase()))).json.version, 2);
      assert.deepEqual((await h.call('GET', schemasPath(h.globex))).json.items, []);
    });

    it('refuses bad definitions with 400 naming the field, and checks scopes and organizations', async () => {
      assertError(await h.call('PUT', schemasPath(h.acme, ENTRA), { body: { attributes: [{ name: 'x', type: 'float' }] } }), 400, 'invalidValue', /attributes\[0\]\.type must be one of/);
      assertError(await h.call('PUT', schemasPath(h.acme, 'not-a-urn'), { body: { attributes: [{ name: 'x' }] } }), 400, 'invalidValue', /id/);
      assertError(await h.call('PUT', schemasPath(h.acme, ENTRA), { body: { resourceType: 'Device', attributes: [] } }), 400, 'invalidValue', /body\.resourceType/);
      assertError(await h.call('PUT', schemasPath(h.acme, ENTRA), { body: { id: TEAM, attributes: [{ name: 'x' }] } }), 400, 'invalidValue', /differs from the URN in the path/);
      assertError(await h.call('PUT', schemasPath(h.acme, 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User'), { body: { attributes: [{ name: 'x' }] } }), 400, 'invalidValue', /reserved|built-in|registered/);
      const reader = await h.key({ scopes: ['schemas:read'] });
      assert.equal((await h.call('GET', schemasPath(h.acme), { token: reader })).status, 200);
      assertError(await h.call('PUT', schemasPath(h.acme, ENTRA), { token: reader, body: DEFINITION }), 403, undefined, /schemas:write/);
      assertError(await h.call('GET', schemasPath(h.globex), { token: reader }), 404, undefined, /Organization/);
      assertError(await h.call('GET', schemasPath(h.acme, 'urn:example:missing')), 404, undefined, /not registered/);
    });

    it('shows the schema in /Schemas and /ResourceTypes of its organization only', async () => {
      const schemas = await h.call('GET', '/scim/v2/Schemas', { token: scim });
      assert.ok(schemas.json.Resources.some((s: { id: string }) => s.id === ENTRA));
      const one = await h.call('GET', `/scim/v2/Schemas/${ENTRA}`, { token: scim });
      assert.equal(one.status, 200);
      assert.equal(one.json.attributes.length, 7);
      const user = await h.call('GET', '/scim/v2/ResourceTypes/User', { token: scim });
      assert.deepEqual(user.json.schemaExtensions.at(-1), { schema: ENTRA, required: false });
      const group = await h.call('GET', '/scim/v2/ResourceTypes/Group', { token: scim });
      assert.deepEqual(group.json.schemaExtensions, [{ schema: TEAM, required: false }]);
      assert.equal((await h.call('GET', `/scim/v2/Schemas/${ENTRA}`, { token: globexScim })).status, 404);
      const roundTrip = await h.call('PUT', schemasPath(h.acme, ENTRA), { body: one.json });
      assert.equal(roundTrip.status, 200, 'what /Schemas serves can be registered again as it is');
      assert.deepEqual(roundTrip.json.attributes, one.json.attributes);
      const globexSchemas = await h.call('GET', '/scim/v2/Schemas', { token: globexScim });
      assert.ok(!globexSchemas.json.Resources.some((s: { id: string }) => s.id === ENTRA));
    });

    it("accepts Entra's POST with the extension block (URN not in schemas[]) and reads Entra's string booleans", async () => {
      for (const [name, block] of Object.entries({
        ada: { CustomAttribute: 'A', costCenter: 'CC-100', licenceTier: 'pro', badge: 7, contractor: 'True', pin: '1234', employeeId: 'E-1' },
        bob: { CustomAttribute: 'B', costCenter: 'cc-200', badge: 3, contractor: false },
        cyd: { costCenter: 'CC-100', badge: 12 },
      })) {
        const created = await h.call('POST', '/scim/v2/Users', { token: scim, body: { schemas: [USER], userName: `${name}@acme.test`, active: true, [ENTRA]: block } });
        assert.equal(created.status, 201, created.text);
        ids[name] = created.json.id;
      }
      const ada = await h.call('GET', `/scim/v2/Users/${ids['ada']}`, { token: scim });
      assert.deepEqual(ada.json[ENTRA], { CustomAttribute: 'A', costCenter: 'CC-100', licenceTier: 'pro', badge: 7, contractor: true, employeeId: 'E-1' });
      assert.ok(ada.json.schemas.includes(ENTRA));
      assertError(await h.call('POST', '/scim/v2/Users', { token: scim, body: { schemas: [USER], userName: 'bad@acme.test', [ENTRA]: { badge: 'seven' } } }), 400, 'invalidValue', /badge/);
      const plain = await h.call('POST', '/scim/v2/Users', { token: globexScim, body: { schemas: [USER], userName: 'x@globex.test', [ENTRA]: { CustomAttribute: 'X' } } });
      assert.equal(plain.status, 201);
      assert.equal(plain.json[ENTRA], undefined, 'another organization does not know the schema');
    });

    it('replaces a user with PUT, keeping immutable extension attributes immutable', async () => {
      const body = (block: Record<string, unknown>) => ({ schemas: [USER, ENTRA], userName: 'ada@acme.test', active: true, [ENTRA]: block });
      assertError(await h.call('PUT', `/scim/v2/Users/${ids['ada']}`, { token: scim, body: body({ costCenter: 'CC-100', employeeId: 'E-2' }) }), 400, 'mutability', /employeeId/);
      const replaced = await h.call('PUT', `/scim/v2/Users/${ids['ada']}`, { token: scim, body: body({ CustomAttribute: 'A', costCenter: 'CC-100', licenceTier: 'pro', badge: 7, contractor: true, employeeId: 'E-1' }) });
      assert.equal(replaced.status, 200, replaced.text);
      assert.deepEqual(replaced.json[ENTRA], { CustomAttribute: 'A', costCenter: 'CC-100', licenceTier: 'pro', badge: 7, contractor: true, employeeId: 'E-1' });
    });

    it('applies PATCH with the full URN path and replace with dotted URN keys', async () => {
      const byPath = await h.call('PATCH', `/scim/v2/Users/${ids['bob']}`, {
        token: scim,
        body: { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'Replace', path: `${ENTRA}:CustomAttribute`, value: 'B2' }, { op: 'Add', path: `${ENTRA}:licenceTier`, value: 'free' }] },
      });
      assert.equal(byPath.status, 200, byPath.text);
      assert.equal(byPath.json[ENTRA].CustomAttribute, 'B2');
      const dotted = await h.call('PATCH', `/scim/v2/Users/${ids['cyd']}`, {
        token: scim,
        body: { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', value: { [`${ENTRA}:CustomAttribute`]: 'C', [`${ENTRA}:contractor`]: 'False', 'name.givenName': 'Cyd' } }] },
      });
      assert.equal(dotted.status, 200, dotted.text);
      assert.deepEqual(dotted.json[ENTRA], { costCenter: 'CC-100', badge: 12, CustomAttribute: 'C', contractor: false });
      const removed = await h.call('PATCH', `/scim/v2/Users/${ids['cyd']}`, {
        token: scim,
        body: { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'Remove', path: `${ENTRA}:contractor` }] },
      });
      assert.equal(removed.json[ENTRA].contractor, undefined);
    });

    it('filters and sorts on extension attributes in SQL, and projects them with attributes= and excludedAttributes=', async () => {
      const names = async (query: string) => {
        const page = await h.call('GET', `/scim/v2/Users?${query}`, { token: scim });
        assert.equal(page.status, 200, page.text);
        return page.json.Resources.map((u: { userName: string }) => u.userName);
      };
      assert.deepEqual(await names(`filter=${encodeURIComponent(`${ENTRA}:costCenter eq "cc-100"`)}&sortBy=userName`), ['ada@acme.test', 'cyd@acme.test']);
      assert.deepEqual(await names(`filter=${encodeURIComponent(`${ENTRA}:badge gt 5`)}&sortBy=userName`), ['ada@acme.test', 'cyd@acme.test']);
      assert.deepEqual(await names(`filter=${encodeURIComponent(`${ENTRA}:CustomAttribute pr and not (${ENTRA}:contractor eq true)`)}&sortBy=userName`), ['bob@acme.test', 'cyd@acme.test']);
      assert.deepEqual(await names(`sortBy=${encodeURIComponent(`${ENTRA}:badge`)}&sortOrder=descending&filter=${encodeURIComponent(`${ENTRA}:badge pr`)}`), ['cyd@acme.test', 'ada@acme.test', 'bob@acme.test']);
      const projected = await h.call('GET', `/scim/v2/Users/${ids['ada']}?attributes=${encodeURIComponent(`${ENTRA}:costCenter`)}`, { token: scim });
      assert.deepEqual(projected.json[ENTRA], { costCenter: 'CC-100' });
      assert.equal(projected.json.userName, undefined);
      const excluded = await h.call('GET', `/scim/v2/Users/${ids['ada']}?excludedAttributes=${encodeURIComponent(ENTRA)}`, { token: scim });
      assert.equal(excluded.json[ENTRA], undefined);
      assert.equal(excluded.json.userName, 'ada@acme.test');
      const admin = await h.call('GET', `/organizations/${h.acme}/users?filter=${encodeURIComponent(`${ENTRA}:licenceTier eq "free"`)}`);
      assert.deepEqual(admin.json.items.map((u: { userName: string }) => u.userName), ['bob@acme.test']);
    });

    it('stores and filters a group extension, and refuses a user without a required extension once the schema is required', async () => {
      const team = await h.call('POST', '/scim/v2/Groups', { token: scim, body: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'Eng', [TEAM]: { budget: 1000 } } });
      assert.equal(team.status, 201, team.text);
      assert.deepEqual(team.json[TEAM], { budget: 1000 });
      const groups = await h.call('GET', `/scim/v2/Groups?filter=${encodeURIComponent(`${TEAM}:budget ge 1000`)}&excludedAttributes=members`, { token: scim });
      assert.deepEqual(groups.json.Resources.map((g: { displayName: string }) => g.displayName), ['Eng']);
      const none = await h.call('GET', `/scim/v2/Groups?filter=${encodeURIComponent(`${TEAM}:budget gt 1000`)}`, { token: scim });
      assert.equal(none.json.totalResults, 0);
      const required = await h.call('PUT', schemasPath(h.acme, ENTRA), { body: { ...DEFINITION, required: true } });
      assert.equal(required.json.required, true);
      const types = await h.call('GET', '/scim/v2/ResourceTypes/User', { token: scim });
      assert.deepEqual(types.json.schemaExtensions.at(-1), { schema: ENTRA, required: true });
      assertError(await h.call('POST', '/scim/v2/Users', { token: scim, body: { schemas: [USER], userName: 'dan@acme.test' } }), 400, 'invalidValue', new RegExp(`Extension "${ENTRA}" is required`));
      await h.call('PUT', schemasPath(h.acme, ENTRA), { body: { ...DEFINITION, required: false } });
    });

    it('records schema changes and extension attribute changes in the history and the export', async () => {
      const history = await h.call('GET', `/organizations/${h.acme}/audit?action=schema.replaced`);
      assert.ok(history.json.items.length >= 2);
      const event = history.json.items.at(-1);
      assert.equal(event.resourceId, ENTRA);
      assert.equal(event.changes.before.version, 1);
      assert.equal(event.changes.after.version, 2);
      assert.match(event.actorName, /ada@vendor.test/);
      const userHistory = await h.call('GET', `/organizations/${h.acme}/users/${ids['bob']}/history`);
      const patched = userHistory.json.items.find((e: { action: string }) => e.action === 'user.updated');
      assert.deepEqual(patched.changes.changed, [ENTRA]);
      assert.equal(patched.changes.before[ENTRA].CustomAttribute, 'B');
      assert.equal(patched.changes.after[ENTRA].CustomAttribute, 'B2');
      const created = userHistory.json.items.find((e: { action: string }) => e.action === 'user.created');
      assert.equal(created.changes.after[ENTRA].costCenter, 'cc-200');
      const exported = await h.call('GET', `/organizations/${h.acme}/audit/export?format=json`);
      assert.match(exported.text, /CustomExtensionName:2\.0:User/);
      assert.match(exported.text, /schema\.created/);
      assert.doesNotMatch(exported.text, /1234/, 'a returned:never attribute stays out of the history');
    });

    it('refuses to remove a schema in use (409), and with force=true removes its data from every user in one go', async () => {
      assertError(await h.call('DELETE', schemasPath(h.acme, ENTRA)), 409, undefined, /3 user\(s\) hold data/);
      const removed = await h.call('DELETE', `${schemasPath(h.acme, ENTRA)}?force=true`);
      assert.deepEqual(removed.json, { id: ENTRA, resourcesChanged: 3 });
      const ada = await h.call('GET', `/scim/v2/Users/${ids['ada']}`, { token: scim });
      assert.equal(ada.json[ENTRA], undefined);
      assert.deepEqual(ada.json.schemas, [USER]);
      const userHistory = await h.call('GET', `/organizations/${h.acme}/users/${ids['ada']}/history`);
      assert.equal(userHistory.json.items[0].action, 'user.updated');
      assert.equal(userHistory.json.items[0].changes.before[ENTRA].costCenter, 'CC-100');
      const deleted = await h.call('GET', `/organizations/${h.acme}/audit?action=schema.deleted`);
      assert.equal(deleted.json.items[0].changes.resourcesChanged, 3);
      assert.equal((await h.call('GET', `/scim/v2/Schemas/${ENTRA}`, { token: scim })).status, 404);
      const unknown = await h.call('GET', `/scim/v2/Users?filter=${encodeURIComponent(`${ENTRA}:costCenter pr`)}`, { token: scim });
      assert.equal(unknown.json.totalResults, 0, 'an attribute of no schema has no value');
      assertError(await h.call('DELETE', schemasPath(h.acme, TEAM)), 409, undefined, /1 group\(s\) hold data/);
    });
  });
}
