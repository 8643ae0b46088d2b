import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { parseFilter } from '../../src/core/filter/parser.ts';
import { ScimError } from '../../src/core/scim-error.ts';
import type { SqlStore } from '../../src/store/sql/sql-store.ts';
import { asRead, user } from './fixtures.ts';
import { fakeClock, testDialects } from './harness.ts';

const isUniqueness = (detail: RegExp) => (error: unknown) => {
  assert.ok(error instanceof ScimError);
  assert.equal(error.status, 409);
  assert.equal(error.scimType, 'uniqueness');
  assert.match(error.detail, detail);
  return true;
};

for (const dialect of await testDialects()) {
  describe(`users.createMany on ${dialect.name}`, () => {
    let store: SqlStore;
    let org: string;
    const valueRows = async (orgId: string) =>
      Number((await sql<{ n: number }>`select count(*) as n from user_values where org_id = ${orgId}`.execute(store.kysely)).rows[0]?.n);
    const userRows = async (orgId: string) => store.users.count(orgId);
    before(async () => {
      store = await dialect.open({ clock: fakeClock().clock });
      org = (await store.organizations.create({ name: 'Acme', slug: 'acme' })).id;
    });
    after(() => dialect.close(store));

    it('stores each user exactly as create would, in the order given', async () => {
      const single = await store.users.create(org, user('single@example.com', { externalId: 'x-0', password: 'secret' }));
      const [many] = await store.users.createMany(org, [user('many@example.com', { externalId: 'x-1', password: 'secret' })]);
      assert.ok(many);
      // Everything but the names, ids and times (the fake clock ticks between the two writes).
      const strip = (r: typeof single) => ({
        ...r,
        ...{ id: '', userName: '', externalId: '', createdAt: '', updatedAt: '' },
        resource: { ...r.resource, id: '', userName: '', externalId: '', emails: [], meta: { ...(r.resource['meta'] as object), created: '', lastModified: '' } },
        ...(r.resourceJson === undefined ? {} : { resourceJson: '' }),
      });
      assert.deepEqual(strip(many), strip(single));
      for (const r of [single, many]) if (r.resourceJson !== undefined) assert.equal(r.resourceJson, JSON.stringify(r.resource));
      assert.deepEqual(await store.users.get(org, many.id), asRead(dialect.name, many));
      assert.equal((await store.users.findByUserName(org, 'MANY@example.com'))?.id, many.id);
      const byEmail = await store.users.list(org, { filter: parseFilter('emails[type eq "work"].value eq "many@example.com"'), count: 10 });
      assert.deepEqual(byEmail.resources.map((u) => u.id), [many.id], 'its value rows are written');
    });

    it('creates 1,300 users across several statements, with every value row', async () => {
      const fresh = (await store.organizations.create({ name: 'Bulk', slug: 'bulk' })).id;
      const resources = Array.from({ length: 1300 }, (_, i) =>
        user(`bulk${i}@example.com`, { phoneNumbers: [{ value: `+1 555 ${i}`, type: 'work' }] }),
      );
      const created = await store.users.createMany(fresh, resources);
      assert.deepEqual(created.map((u) => u.userName), resources.map((r) => r['userName']));
      assert.equal(new Set(created.map((u) => u.id)).size, 1300);
      assert.equal(await userRows(fresh), 1300);
      assert.equal(await valueRows(fresh), 2600, 'one email and one phone number each');
      assert.equal((await store.users.findByUserName(fresh, 'bulk1299@example.com'))?.id, created[1299]?.id);
    });

    it('uses the ids it is given', async () => {
      const ids = ['00000000-0000-7000-8000-00000000b001', '00000000-0000-7000-8000-00000000b002'];
      const created = await store.users.createMany(org, [user('id-a@example.com'), user('id-b@example.com')], { ids });
      assert.deepEqual(created.map((u) => u.id), ids);
      assert.equal((await store.users.get(org, ids[1] ?? ''))?.userName, 'id-b@example.com');
    });

    it('returns an empty list for an empty batch', async () => {
      assert.deepEqual(await store.users.createMany(org, []), []);
    });

    it('rejects a batch repeating a userName in another case with 409 naming it, writing nothing', async () => {
      const fresh = (await store.organizations.create({ name: 'Dup', slug: 'dup' })).id;
      await assert.rejects(
        store.users.createMany(fresh, [user('twice@example.com'), user('other@example.com'), user('TWICE@example.com')]),
        isUniqueness(/userName "TWICE@example.com" is already in use/),
      );
      assert.equal(await userRows(fresh), 0);
      assert.equal(await valueRows(fresh), 0);
    });

    it('rejects a batch with a userName already taken with 409 naming the attempted spelling, writing nothing', async () => {
      const fresh = (await store.organizations.create({ name: 'Taken', slug: 'taken' })).id;
      await store.users.create(fresh, user('taken@example.com'));
      await assert.rejects(
        store.users.createMany(fresh, [user('new@example.com'), user('Taken@Example.com')]),
        isUniqueness(/userName "Taken@Example.com" is already in use/),
      );
      assert.equal(await userRows(fresh), 1);
      assert.equal(await store.users.findByUserName(fresh, 'new@example.com'), undefined);
    });

    it('leaves nothing of a rejected batch in a caller transaction that catches the 409 and goes on', async () => {
      const fresh = (await store.organizations.create({ name: 'Caught', slug: 'caught' })).id;
      await store.users.create(fresh, user('taken@example.com'));
      // 600 users: the first statement (512) goes in before the second finds the taken userName.
      const batch = Array.from({ length: 600 }, (_, i) => user(i === 550 ? 'TAKEN@example.com' : `batch${i}@example.com`));
      await store.transaction(async (tx) => {
        await assert.rejects(tx.users.createMany(fresh, batch), isUniqueness(/userName "TAKEN@example.com"/));
        await tx.users.create(fresh, user('after@example.com'));
      });
      assert.equal(await userRows(fresh), 2, 'the taken user and the one created after the 409');
      assert.equal(await valueRows(fresh), 2);
    });

    it('rejects a user without userName with 400 invalidValue, writing nothing', async () => {
      const fresh = (await store.organizations.create({ name: 'Invalid', slug: 'invalid' })).id;
      await assert.rejects(store.users.createMany(fresh, [user('fine@example.com'), { schemas: [] }]), (e: unknown) => {
        assert.ok(e instanceof ScimError);
        assert.equal(e.status, 400);
        assert.equal(e.scimType, 'invalidValue');
        assert.match(e.detail, /userName is required/);
        return true;
      });
      assert.equal(await userRows(fresh), 0);
    });

    it('joins the caller transaction and rolls back with it', async () => {
      const fresh = (await store.organizations.create({ name: 'Tx', slug: 'tx' })).id;
      await assert.rejects(
        store.transaction(async (tx) => {
          await tx.users.createMany(fresh, [user('tx-a@example.com'), user('tx-b@example.com')]);
          assert.equal(await tx.users.count(fresh), 2);
          throw new Error('abort');
        }),
        /abort/,
      );
      assert.equal(await userRows(fresh), 0);
      assert.equal(await valueRows(fresh), 0);
    });

    it('refuses ids that do not pair with the resources', async () => {
      await assert.rejects(store.users.createMany(org, [user('pair@example.com')], { ids: [] }), /ids and resources differ in length/);
    });
  });
}
