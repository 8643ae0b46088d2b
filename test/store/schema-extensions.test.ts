import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { validateSchemaDefinition } from '../../src/core/schema/registry.ts';
import type { SqlStore } from '../../src/store/sql/sql-store.ts';
import { user } from './fixtures.ts';
import { fakeClock, testDialects } from './harness.ts';

const URN_ENTRA = 'urn:ietf:params:scim:schemas:extension:CustomExtensionName:2.0:User';
const definition = validateSchemaDefinition({ id: URN_ENTRA, name: 'CustomExtensionName', attributes: [{ name: 'CustomAttribute', type: 'string' }] });

for (const dialect of await testDialects()) {
  describe(`extension schemas on ${dialect.name}`, () => {
    let store: SqlStore;
    let org: string;
    let other: string;
    before(async () => {
      store = await dialect.open({ clock: fakeClock().clock });
      org = (await store.organizations.create({ name: 'Acme', slug: 'acme' })).id;
      other = (await store.organizations.create({ name: 'Other', slug: 'other' })).id;
    });
    after(() => dialect.close(store));

    it('registers a schema at version 1 and finds it by URN in any letter case, in its organization only', async () => {
      const put = await store.schemaExtensions.put(org, { id: URN_ENTRA, resourceType: 'User', required: false, definition });
      assert.equal(put.status, 'ok');
      const record = put.status === 'ok' ? put.record : undefined;
      assert.equal(record?.version, 1);
      assert.equal(record?.resourceType, 'User');
      assert.equal(record?.required, false);
      assert.deepEqual(record?.definition, definition);
      assert.deepEqual(await store.schemaExtensions.get(org, URN_ENTRA.toUpperCase()), record);
      assert.equal(await store.schemaExtensions.get(other, URN_ENTRA), undefined);
      assert.deepEqual(await store.schemaExtensions.list(other), []);
    });

    it('replaces a schema with a higher version, keeps its creation time and guards with the expected version', async () => {
      const first = await store.schemaExtensions.get(org, URN_ENTRA);
      const replaced = await store.schemaExtensions.put(org, { id: URN_ENTRA, resourceType: 'User', required: true, definition }, { expectedVersion: 1 });
      assert.equal(replaced.status, 'ok');
      if (replaced.status !== 'ok') return;
      assert.equal(replaced.record.version, 2);
      assert.equal(replaced.record.required, true);
      assert.equal(replaced.record.createdAt, first?.createdAt);
      assert.deepEqual(await store.schemaExtensions.put(org, { id: URN_ENTRA, resourceType: 'User', required: true, definition }, { expectedVersion: 1 }), { status: 'conflict', currentVersion: 2 });
      assert.deepEqual(await store.schemaExtensions.put(org, { id: 'urn:example:none', resourceType: 'User', required: false, definition }, { expectedVersion: 1 }), { status: 'notFound' });
    });

    it('lists the schemas of an organization ordered by URN', async () => {
      const group = validateSchemaDefinition({ id: 'urn:acme:params:scim:schemas:extension:Team:2.0:Group', attributes: [{ name: 'budget', type: 'integer' }] });
      await store.schemaExtensions.put(org, { id: group.id, resourceType: 'Group', required: false, definition: group });
      assert.deepEqual((await store.schemaExtensions.list(org)).map((s) => [s.id, s.resourceType]), [
        [group.id, 'Group'],
        [URN_ENTRA, 'User'],
      ]);
    });

    it('counts and pages the resources holding data under a URN, in their organization only', async () => {
      const holders = [];
      for (const name of ['a', 'b', 'c']) {
        holders.push((await store.users.create(org, { ...user(`${name}@acme.test`), schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', URN_ENTRA], [URN_ENTRA]: { CustomAttribute: name } })).id);
      }
      await store.users.create(org, user('plain@acme.test'));
      await store.users.create(other, { ...user('x@other.test'), [URN_ENTRA]: { CustomAttribute: 'x' } });
      holders.sort();
      assert.equal(await store.schemaExtensions.countUsing(org, 'User', URN_ENTRA), 3);
      assert.equal(await store.schemaExtensions.countUsing(org, 'Group', URN_ENTRA), 0);
      const first = await store.schemaExtensions.idsUsing(org, 'User', URN_ENTRA, { limit: 2 });
      assert.deepEqual(first, holders.slice(0, 2));
      assert.deepEqual(await store.schemaExtensions.idsUsing(org, 'User', URN_ENTRA, { after: first[1], limit: 2 }), holders.slice(2));
    });

    it('creates one expression index per attribute, whatever the organization, and keeps filtering', async () => {
      const name = await store.schemaExtensions.ensureIndex('User', URN_ENTRA, 'CustomAttribute', false);
      assert.match(name, /^users_ext_[0-9a-f]{12}_idx$/);
      assert.equal(await store.schemaExtensions.ensureIndex('User', URN_ENTRA, 'CustomAttribute', false), name);
      assert.notEqual(await store.schemaExtensions.ensureIndex('User', URN_ENTRA, 'CustomAttribute', true), name);
      assert.equal(await store.schemaExtensions.countUsing(org, 'User', URN_ENTRA), 3);
    });

    it('deletes a schema, and every schema with its organization', async () => {
      assert.equal(await store.schemaExtensions.delete(org, URN_ENTRA.toLowerCase()), true);
      assert.equal(await store.schemaExtensions.delete(org, URN_ENTRA), false);
      assert.equal(await store.schemaExtensions.get(org, URN_ENTRA), undefined);
      await store.schemaExtensions.put(other, { id: URN_ENTRA, resourceType: 'User', required: false, definition });
      await store.organizations.delete(other);
      assert.deepEqual(await store.schemaExtensions.list(other), []);
    });
  });
}
