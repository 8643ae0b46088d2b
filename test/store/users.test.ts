import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
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
  describe(`users on ${dialect.name}`, () => {
    let store: SqlStore;
    let org: string;
    let other: string;
    before(async () => {
      store = await dialect.open({ clock: fakeClock().clock });
      org = (await store.organizations.create({ name: 'Acme', slug: 'acme' })).id;
      other = (await store.organizations.create({ name: 'Other', slug: 'other' })).id;
    });
    after(() => dialect.close(store));

    it('creates a user and reads it back by id with id, meta and version set', async () => {
      const created = await store.users.create(org, user('ada@example.com', { externalId: 'ext-1', password: 'secret', groups: [{ value: 'x' }] }));
      assert.equal(created.version, 1);
      assert.equal(created.userName, 'ada@example.com');
      const read = await store.users.get(org, created.id);
      assert.deepEqual(read, asRead(dialect.name, created));
      assert.equal(read?.resource['id'], created.id);
      assert.deepEqual(read?.resource['meta'], { resourceType: 'User', created: created.createdAt, lastModified: created.createdAt, version: 'W/"1"' });
      assert.equal(read?.resource['password'], undefined, 'password is never stored in the resource');
      assert.equal(read?.resource['groups'], undefined, 'groups are computed, not stored');
    });

    it('finds a user by userName case-insensitively, including non-ASCII letters', async () => {
      const created = await store.users.create(org, user('Ünïcode.User@Example.com'));
      assert.equal((await store.users.findByUserName(org, 'üNÏCODE.user@example.COM'))?.id, created.id);
      assert.equal(await store.users.findByUserName(org, 'nobody@example.com'), undefined);
    });

    it('rejects a second userName differing only in case with 409 uniqueness naming it', async () => {
      await store.users.create(org, user('grace@example.com'));
      await assert.rejects(store.users.create(org, user('GRACE@example.com')), isUniqueness(/userName "GRACE@example.com"/));
    });

    it('allows the same userName in another organization', async () => {
      await store.users.create(other, user('grace@example.com'));
      assert.ok(await store.users.findByUserName(other, 'grace@example.com'));
    });

    it('never shows one organization the users of another', async () => {
      const mine = await store.users.create(org, user('isolated@example.com'));
      assert.equal(await store.users.get(other, mine.id), undefined);
      assert.equal(await store.users.findByUserName(other, 'isolated@example.com'), undefined);
      const otherIds = (await store.users.list(other, { count: 100 })).resources.map((u) => u.id);
      assert.ok(!otherIds.includes(mine.id));
      assert.equal((await store.users.replace(other, mine.id, user('hijack@example.com'))).status, 'notFound');
      assert.equal((await store.users.delete(other, mine.id)).status, 'notFound');
      assert.ok(await store.users.get(org, mine.id));
    });

    it('replaces a user, bumping version and lastModified, keeping created', async () => {
      const created = await store.users.create(org, user('linus@example.com'));
      const result = await store.users.replace(org, created.id, user('linus@example.com', { displayName: 'Linus', active: false }), { expectedVersion: 1 });
      assert.equal(result.status, 'ok');
      if (result.status !== 'ok') return;
      assert.equal(result.record.version, 2);
      assert.equal(result.record.active, false);
      assert.equal(result.record.displayName, 'Linus');
      const meta = result.record.resource['meta'] as Record<string, unknown>;
      assert.equal(meta['created'], created.createdAt);
      assert.notEqual(meta['lastModified'], created.createdAt);
      assert.equal(meta['version'], 'W/"2"');
      assert.deepEqual(await store.users.get(org, created.id), asRead(dialect.name, result.record));
    });

    it('reports a conflict instead of writing when the expected version is stale', async () => {
      const created = await store.users.create(org, user('stale@example.com'));
      await store.users.replace(org, created.id, user('stale@example.com', { title: 'first' }));
      const result = await store.users.replace(org, created.id, user('stale@example.com', { title: 'second' }), { expectedVersion: 1 });
      assert.deepEqual(result, { status: 'conflict', currentVersion: 2 });
      assert.equal((await store.users.get(org, created.id))?.resource['title'], 'first');
      assert.deepEqual(await store.users.delete(org, created.id, { expectedVersion: 1 }), { status: 'conflict', currentVersion: 2 });
    });

    it('rejects a rename onto a taken userName with 409 and leaves the user unchanged', async () => {
      const created = await store.users.create(org, user('rename-me@example.com'));
      await assert.rejects(store.users.replace(org, created.id, user('ADA@example.com')), isUniqueness(/userName "ADA@example.com"/));
      assert.equal((await store.users.get(org, created.id))?.userName, 'rename-me@example.com');
    });

    it('keeps one value row per element of multi-valued attributes and replaces them on update', async () => {
      const created = await store.users.create(org, user('multi@example.com', {
        emails: [{ value: 'A@x.com', type: 'work' }, { value: 'b@x.com', type: 'home', primary: true }],
        phoneNumbers: [{ value: '+1 555', type: 'mobile' }],
      }));
      const rows = async () =>
        (await sql<{ attr: string; pos: number; value: string; value_lc: string; type: string }>`select attr, pos, value, value_lc, type from user_values where user_id = ${created.id} order by attr, pos`.execute(store.kysely)).rows;
      assert.deepEqual((await rows()).map((r) => [r.attr, Number(r.pos), r.value, r.value_lc, r.type]), [
        ['emails', 0, 'A@x.com', 'a@x.com', 'work'],
        ['emails', 1, 'b@x.com', 'b@x.com', 'home'],
        ['phoneNumbers', 0, '+1 555', '+1 555', 'mobile'],
      ]);
      const { rows: [col] } = await sql<{ primary_email_lc: string }>`select primary_email_lc from users where id = ${created.id}`.execute(store.kysely);
      assert.equal(col?.primary_email_lc, 'b@x.com', 'the primary email is indexed');
      await store.users.replace(org, created.id, user('multi@example.com', { emails: [{ value: 'c@x.com' }] }));
      assert.deepEqual((await rows()).map((r) => [r.attr, r.value]), [['emails', 'c@x.com']]);
    });

    it('deletes a user with its value rows and memberships', async () => {
      const created = await store.users.create(org, user('gone@example.com'));
      const g = await store.groups.create(org, { displayName: 'Gone group' }, { members: [{ value: created.id }] });
      assert.deepEqual(await store.users.delete(org, created.id), { status: 'ok', record: { id: created.id } });
      assert.equal(await store.users.get(org, created.id), undefined);
      assert.equal(await store.groups.countMembers(org, g.id), 0);
      const { rows } = await sql<{ n: number }>`select count(*) as n from user_values where user_id = ${created.id}`.execute(store.kysely);
      assert.equal(Number(rows[0]?.n), 0);
      assert.deepEqual(await store.users.delete(org, created.id), { status: 'notFound' });
    });

    it('rejects a user without userName with 400 invalidValue', async () => {
      await assert.rejects(store.users.create(org, { schemas: [] }), (e: unknown) => e instanceof ScimError && e.status === 400 && e.scimType === 'invalidValue' && /userName/.test(e.detail));
    });

    it('counts users of an organization, with and without a filter', async () => {
      const before = await store.users.count(other);
      await store.users.create(other, user('count-me@example.com', { active: false }));
      assert.equal(await store.users.count(other), before + 1);
      assert.equal(await store.users.count(other, { kind: 'compare', path: { attribute: 'active' }, op: 'eq', value: false }), 1);
    });
  });
}
