/**
 * A user's `groups` (RFC 7643 §4.1.2) come from the membership index: one query per user
 * (`groupsOf`) or one per listing page (`groupsOfMany`), which must agree.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { SqlStore } from '../../src/store/sql/sql-store.ts';
import type { QueryEvent } from '../../src/store/sql/options.ts';
import { group, user } from './fixtures.ts';
import { fakeClock, testDialects } from './harness.ts';

for (const dialect of await testDialects()) {
  describe(`users' groups on ${dialect.name}`, () => {
    let store: SqlStore;
    let org: string;
    let other: string;
    let log: QueryEvent[] = [];
    const users: string[] = [];
    before(async () => {
      store = await dialect.open({ clock: fakeClock().clock, onQuery: (e) => log.push(e) });
      org = (await store.organizations.create({ name: 'Acme', slug: 'acme' })).id;
      other = (await store.organizations.create({ name: 'Other', slug: 'other' })).id;
      const created = await store.users.createMany(org, Array.from({ length: 620 }, (_, i) => user(`member${i}@example.com`)));
      users.push(...created.map((u) => u.id));
      // Group k has every user whose index is a multiple of k + 2; the last users are in none.
      for (let k = 0; k < 4; k += 1) {
        const members = users.slice(0, 600).filter((_, i) => i % (k + 2) === 0).map((value) => ({ value }));
        await store.groups.create(org, group(`Group ${k}`), { members });
      }
      const outsider = (await store.users.create(other, user('outsider@example.com'))).id;
      await store.groups.create(other, group('Elsewhere'), { members: [{ value: outsider }] });
    });
    after(() => dialect.close(store));

    it('gives every user of a page the same groups as asking one by one, in one query per 500 users', async () => {
      log = [];
      const many = await store.users.groupsOfMany(org, users);
      const select = log.filter((e) => /^select/.test(e.sql));
      assert.equal(select.length, 2, '620 users are two chunks');
      for (const id of users) {
        const one = await store.users.groupsOf(org, id);
        assert.deepEqual(many.get(id) ?? [], one, id);
      }
      assert.equal(many.get(users[0] ?? '')?.length, 4);
      assert.equal(many.has(users[601] ?? ''), false, 'users in no group are absent');
    });

    it('orders each user\'s groups by group id and ignores repeated ids', async () => {
      const id = users[60] ?? assert.fail(); // 60 is a multiple of 2, 3, 4 and 5: in all four groups
      const many = await store.users.groupsOfMany(org, [id, id]);
      const values = (many.get(id) ?? []).map((g) => g.value);
      assert.deepEqual(values, [...values].sort());
      assert.deepEqual((many.get(id) ?? []).map((g) => g.display).sort(), ['Group 0', 'Group 1', 'Group 2', 'Group 3']);
    });

    it('never reads another organization\'s memberships', async () => {
      assert.equal((await store.users.groupsOfMany(other, users)).size, 0);
      assert.deepEqual(await store.users.groupsOfMany(org, []), new Map());
    });
  });
}
