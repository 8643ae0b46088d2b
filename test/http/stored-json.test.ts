/**
 * Responses spliced from the stored JSON text (core `spliceDefaultView`) are byte for byte the
 * responses projection gives. `excludedAttributes=noSuchAttribute` takes the projecting path (the
 * request names attributes) while excluding nothing, so both answers must be the same text.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHarness, testDialects, type Harness } from './harness.ts';

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const PROJECTING = 'excludedAttributes=noSuchAttribute';

const bodies: Record<string, unknown>[] = [
  // What Entra sends: the enterprise URN listed without a block.
  { schemas: [USER, ENTERPRISE], externalId: 'e-1', userName: 'entra@contoso.test', active: true, displayName: 'Entra One',
    emails: [{ primary: true, type: 'work', value: 'entra@contoso.test' }], name: { formatted: 'Entra One', familyName: 'One', givenName: 'Entra' } },
  { schemas: [USER, ENTERPRISE], userName: 'ext@contoso.test', title: 'Engineer', password: 'Secret-123',
    [ENTERPRISE]: { department: 'R&D', employeeNumber: '7', manager: { value: 'm-1' } },
    phoneNumbers: [{ value: '+1 555', type: 'work' }], addresses: [{ streetAddress: '1 Main St\nSuite "2"', primary: true }] },
  { schemas: [USER], userName: 'Zoë "Z" O\'Brien \\ {} [] ,:} \u2028 😀', nickName: '</script>', active: false },
  { schemas: [USER], userName: 'empty-ish', emails: [], name: {}, displayName: '' },
];

for (const dialect of await testDialects()) {
  describe(`responses spliced from stored JSON (${dialect.name})`, () => {
    let h: Harness;
    const ids: string[] = [];
    before(async () => {
      h = await createHarness({ dialect });
      for (const body of bodies) {
        const created = await h.call('POST', '/Users', { body });
        assert.equal(created.status, 201, created.text);
        ids.push(created.json.id as string);
      }
      // Stored without validation, as bulk loads and the benchmarks' seed do: the URN stays listed.
      const [raw] = await h.store.users.createMany(h.orgId, [{ ...bodies[0], userName: 'raw@contoso.test', externalId: 'raw' }]);
      ids.push(raw?.id ?? '');
      const group = await h.call('POST', '/Groups', { body: { schemas: [GROUP], displayName: 'Sales "EMEA" ☃', members: ids.slice(0, 3).map((value) => ({ value })) } });
      assert.equal(group.status, 201, group.text);
      await h.call('POST', '/Groups', { body: { schemas: [GROUP], displayName: 'Zeta', members: [{ value: ids[1] }] } });
    });
    after(() => h.close());

    it('answers GET /Users/{id} with the text projection gives, with and without groups', async () => {
      for (const id of ids) {
        const fast = await h.call('GET', `/Users/${id}`);
        const slow = await h.call('GET', `/Users/${id}?${PROJECTING}`);
        assert.equal(fast.status, 200);
        assert.equal(fast.text, slow.text);
        assert.equal(fast.headers.get('etag'), slow.headers.get('etag'));
      }
      const withGroups = await h.call('GET', `/Users/${ids[1]}`);
      assert.deepEqual(withGroups.json.groups.map((g: { display: string }) => g.display).sort(), ['Sales "EMEA" ☃', 'Zeta']);
      assert.equal(withGroups.json.password, undefined);
    });

    it('answers filter lookups and pages with the text projection gives', async () => {
      for (const name of ['entra@contoso.test', 'raw@contoso.test', 'EXT@contoso.test', bodies[2]?.['userName'] as string, 'nobody']) {
        const filter = encodeURIComponent(`userName eq "${name.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`);
        const fast = await h.call('GET', `/Users?filter=${filter}`);
        const slow = await h.call('GET', `/Users?filter=${filter}&${PROJECTING}`);
        assert.equal(fast.status, 200, fast.text);
        assert.equal(fast.text, slow.text);
      }
      for (const query of ['', '?count=2', '?startIndex=2&count=2', '?cursor=&count=3', '?count=0']) {
        const fast = await h.call('GET', `/Users${query}`);
        const slow = await h.call('GET', `/Users${query}${query === '' ? '?' : '&'}${PROJECTING}`);
        assert.equal(fast.text, slow.text, query);
      }
    });

    // A write answers from the resource it wrote; PostgreSQL reads JSONB back in its own key order.
    const sameAnswer = (written: string, read: string) =>
      dialect.name === 'sqlite' ? assert.equal(written, read) : assert.deepEqual(JSON.parse(written), JSON.parse(read));

    it('answers POST, PUT and PATCH with the text projection gives', async () => {
      const body = { schemas: [USER, ENTERPRISE], userName: 'writes@contoso.test', [ENTERPRISE]: { costCenter: 'C "1"' } };
      const created = await h.call('POST', '/Users', { body });
      const id = created.json.id as string;
      sameAnswer(created.text, (await h.call('GET', `/Users/${id}?${PROJECTING}`)).text);
      const zeta = (await h.call('GET', '/Groups?filter=displayName%20eq%20%22Zeta%22')).json.Resources[0].id as string;
      await h.call('PATCH', `/Groups/${zeta}`, { body: { schemas: [PATCH], Operations: [{ op: 'add', path: 'members', value: [{ value: id }] }] } });
      const patched = await h.call('PATCH', `/Users/${id}`, { body: { schemas: [PATCH], Operations: [{ op: 'Replace', path: 'displayName', value: 'W ✓' }] } });
      assert.equal(patched.status, 200, patched.text);
      assert.ok(patched.json.groups);
      sameAnswer(patched.text, (await h.call('GET', `/Users/${id}?${PROJECTING}`)).text);
      const replaced = await h.call('PUT', `/Users/${id}`, { body: { ...body, displayName: 'Put' } });
      assert.equal(replaced.status, 200, replaced.text);
      sameAnswer(replaced.text, (await h.call('GET', `/Users/${id}?${PROJECTING}`)).text);
    });
  });
}
