import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { ScimError } from '../../src/core/scim-error.ts';
import type { SqlStore } from '../../src/store/sql/sql-store.ts';
import { group, user } from './fixtures.ts';
import { fakeClock, testDialects, untilAnotherWaits } from './harness.ts';

for (const dialect of await testDialects()) {
  describe(`groups and memberships on ${dialect.name}`, () => {
    let store: SqlStore;
    let org: string;
    let other: string;
    const users: string[] = [];
    before(async () => {
      store = await dialect.open({ clock: fakeClock().clock });
      org = (await store.organizations.create({ name: 'Acme', slug: 'acme' })).id;
      other = (await store.organizations.create({ name: 'Other', slug: 'other' })).id;
      for (let i = 0; i < 6; i += 1) users.push((await store.users.create(org, user(`member${i}@example.com`, { displayName: `Member ${i}` }))).id);
    });
    after(() => dialect.close(store));

    const ids = async (groupId: string) => (await store.groups.listMembers(org, groupId, { limit: 1000 })).map((m) => m.value);
    const u = (i: number) => users[i] ?? assert.fail(`no user ${i}`);

    it('creates a group with its members as rows and reads it without members', async () => {
      const created = await store.groups.create(org, group('Engineering', { members: [{ value: u(0) }, { value: u(1) }] }));
      assert.equal(created.resource['members'], undefined);
      assert.deepEqual(await store.groups.get(org, created.id), created);
      assert.deepEqual(await ids(created.id), [u(0), u(1)].sort());
      assert.equal(await store.groups.countMembers(org, created.id), 2);
      const [first] = await store.groups.listMembers(org, created.id, { limit: 1 });
      assert.deepEqual(first, { value: [u(0), u(1)].sort()[0], type: 'User', display: first?.value === u(0) ? 'Member 0' : 'Member 1' });
    });

    it('rejects a duplicate displayName case-insensitively with 409 uniqueness', async () => {
      await store.groups.create(org, group('Sales'));
      await assert.rejects(store.groups.create(org, group('SALES')), (e: unknown) => {
        assert.ok(e instanceof ScimError);
        assert.equal(e.status, 409);
        assert.equal(e.scimType, 'uniqueness');
        assert.match(e.detail, /displayName "SALES"/);
        return true;
      });
      assert.equal((await store.groups.findByDisplayName(org, 'sales'))?.displayName, 'Sales');
    });

    it('adds members idempotently and reports only the rows it inserted', async () => {
      const g = await store.groups.create(org, group('Idempotent'));
      assert.deepEqual(await store.groups.applyMembershipDelta(org, g.id, { add: [{ value: u(0) }, { value: u(1) }], remove: [] }), { added: [u(0), u(1)], removed: [] });
      const again = await store.groups.applyMembershipDelta(org, g.id, { add: [{ value: u(1) }, { value: u(2) }, { value: u(2) }], remove: [] });
      assert.deepEqual(again, { added: [u(2)], removed: [] });
      assert.equal(await store.groups.countMembers(org, g.id), 3);
    });

    it('removes only the listed members and ignores ones that are not members', async () => {
      const g = await store.groups.create(org, group('Removal'), { members: [{ value: u(0) }, { value: u(1) }, { value: u(2) }] });
      const change = await store.groups.applyMembershipDelta(org, g.id, { add: [], remove: [u(1), u(5)] });
      assert.deepEqual(change, { added: [], removed: [u(1)] });
      assert.deepEqual(await ids(g.id), [u(0), u(2)].sort());
      assert.equal(await store.groups.hasMember(org, g.id, u(1)), false);
      assert.equal(await store.groups.hasMember(org, g.id, u(0)), true);
    });

    it('replaces the member set by inserting and deleting only the difference', async () => {
      const g = await store.groups.create(org, group('Replace'), { members: [{ value: u(0) }, { value: u(1) }] });
      const change = await store.groups.applyMembershipDelta(org, g.id, { replace: [{ value: u(1) }, { value: u(3) }], add: [], remove: [] });
      assert.deepEqual(change, { added: [u(3)], removed: [u(0)] });
      assert.deepEqual(await ids(g.id), [u(1), u(3)].sort());
      assert.deepEqual(await store.groups.applyMembershipDelta(org, g.id, { replace: [], add: [], remove: [] }), { added: [], removed: [u(1), u(3)].sort() });
      assert.equal(await store.groups.countMembers(org, g.id), 0);
    });

    it('accepts nested groups as members with type Group', async () => {
      const parent = await store.groups.create(org, group('Parent'));
      const child = await store.groups.create(org, group('Child'));
      await store.groups.applyMembershipDelta(org, parent.id, { add: [{ value: child.id }], remove: [] });
      assert.deepEqual(await store.groups.listMembers(org, parent.id, { limit: 10 }), [{ value: child.id, type: 'Group', display: 'Child' }]);
    });

    it('adds users and groups in one delta, reporting only the new members in the order asked', async () => {
      const g = await store.groups.create(org, group('Mixed'), { members: [{ value: u(0) }] });
      const child = await store.groups.create(org, group('Mixed child'));
      const change = await store.groups.applyMembershipDelta(org, g.id, { add: [{ value: u(2) }, { value: child.id }, { value: u(0) }, { value: u(1) }, { value: u(2) }], remove: [] });
      assert.deepEqual(change, { added: [u(2), child.id, u(1)], removed: [] });
      const members = await store.groups.listMembers(org, g.id, { limit: 10 });
      assert.deepEqual(new Map(members.map((m) => [m.value, m.type])), new Map([[u(0), 'User'], [u(1), 'User'], [u(2), 'User'], [child.id, 'Group']]));
    });

    it('rejects members that do not exist in the organization with 400 invalidValue and adds nothing', async () => {
      const g = await store.groups.create(org, group('Strict'));
      const foreign = (await store.users.create(other, user('foreign@example.com'))).id;
      await assert.rejects(store.groups.applyMembershipDelta(org, g.id, { add: [{ value: u(0) }, { value: foreign }], remove: [] }), (e: unknown) => {
        assert.ok(e instanceof ScimError);
        assert.equal(e.status, 400);
        assert.equal(e.scimType, 'invalidValue');
        assert.match(e.detail, new RegExp(`"${foreign}"`));
        return true;
      });
      assert.equal(await store.groups.countMembers(org, g.id), 0);
      await assert.rejects(store.groups.applyMembershipDelta(org, g.id, { add: [{ value: g.id }], remove: [] }), /cannot be a member of itself/);
    });

    it('pages members by id with after/limit', async () => {
      const g = await store.groups.create(org, group('Paged'), { members: users.map((value) => ({ value })) });
      const seen: string[] = [];
      let afterId: string | undefined;
      for (;;) {
        const page = await store.groups.listMembers(org, g.id, { limit: 4, ...(afterId === undefined ? {} : { after: afterId }) });
        seen.push(...page.map((m) => m.value));
        if (page.length < 4) break;
        afterId = page[page.length - 1]?.value;
      }
      assert.deepEqual(seen, [...users].sort());
    });

    it("computes a user's groups from the membership index", async () => {
      const loner = (await store.users.create(org, user('loner@example.com'))).id;
      const a = await store.groups.create(org, group('Alpha'), { members: [{ value: loner }] });
      const b = await store.groups.create(org, group('Beta'), { members: [{ value: loner }] });
      assert.deepEqual(await store.users.groupsOf(org, loner), [
        { value: a.id, display: 'Alpha' },
        { value: b.id, display: 'Beta' },
      ]);
      assert.deepEqual(await store.users.groupsOf(other, loner), []);
    });

    it('replaces group attributes with optimistic concurrency without touching members', async () => {
      const g = await store.groups.create(org, group('Before'), { members: [{ value: u(0) }] });
      const result = await store.groups.replace(org, g.id, group('After', { externalId: 'e1' }), { expectedVersion: 1 });
      assert.equal(result.status, 'ok');
      assert.deepEqual(await store.groups.replace(org, g.id, group('Again'), { expectedVersion: 1 }), { status: 'conflict', currentVersion: 2 });
      assert.equal((await store.groups.get(org, g.id))?.displayName, 'After');
      assert.equal(await store.groups.countMembers(org, g.id), 1);
    });

    it('rewrites a group it was handed in the same transaction, and fails the transaction when that record is stale', async () => {
      const g = await store.groups.create(org, group('Locked'), { members: [{ value: u(0) }] });
      const rewritten = await store.transaction(async (tx) => {
        const current = await tx.groups.get(org, g.id, { forUpdate: true });
        return tx.groups.replace(org, g.id, group('Locked', { externalId: 'kept' }), { current });
      });
      assert.equal(rewritten.status, 'ok');
      const stored = await store.groups.get(org, g.id);
      assert.equal(stored?.version, 2);
      assert.equal(stored?.externalId, 'kept');
      // Handing in a record that no longer matches the row must not lose the rewrite silently.
      await assert.rejects(
        store.transaction(async (tx) => {
          const current = await tx.groups.get(org, g.id, { forUpdate: true });
          await tx.groups.replace(org, g.id, group('Locked', { externalId: 'first' }), { current });
          await tx.groups.replace(org, g.id, group('Locked', { externalId: 'second' }), { current });
          await tx.groups.get(org, g.id);
        }),
      );
      const after = await store.groups.get(org, g.id);
      assert.equal(after?.version, 2, 'the failed transaction changed nothing');
      assert.equal(after?.externalId, 'kept');
    });

    it('deletes a group with its memberships in both directions', async () => {
      const parent = await store.groups.create(org, group('Doomed parent'));
      const doomed = await store.groups.create(org, group('Doomed'), { members: [{ value: u(0) }] });
      await store.groups.applyMembershipDelta(org, parent.id, { add: [{ value: doomed.id }], remove: [] });
      assert.equal((await store.groups.delete(org, doomed.id)).status, 'ok');
      assert.equal(await store.groups.get(org, doomed.id), undefined);
      assert.equal(await store.groups.countMembers(org, doomed.id), 0);
      assert.equal(await store.groups.countMembers(org, parent.id), 0);
      await assert.rejects(store.groups.applyMembershipDelta(org, doomed.id, { add: [], remove: [] }), (e: unknown) => e instanceof ScimError && e.status === 404);
    });

    // On PostgreSQL no foreign key ties memberships to their group (migration 0018): the group
    // row's lock, taken by member adds and by deletions alike, must keep a deleted group's members
    // from being left behind. Each test holds one transaction open until the other is waiting.
    const rowsOf = async (groupId: string) =>
      Number((await sql<{ n: number }>`select count(*) as n from memberships where org_id = ${org} and group_id = ${groupId}`.execute(store.kysely)).rows[0]?.n);

    it('deletes the members a concurrent add committed while the deletion waited for the group', async () => {
      const g = await store.groups.create(org, group('Raced by an add'), { members: [{ value: u(0) }] });
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      let locked!: () => void;
      const holding = new Promise<void>((resolve) => (locked = resolve));
      const add = store.transaction(async (tx) => {
        const current = await tx.groups.get(org, g.id, { forUpdate: true });
        await tx.groups.applyMembershipDelta(org, g.id, { add: [{ value: u(3) }], remove: [] }, { current });
        locked();
        await gate;
      });
      await holding;
      const deletion = store.groups.delete(org, g.id);
      try {
        await untilAnotherWaits(dialect, store, 'the second transaction');
      } finally {
        release();
        await add;
      }
      assert.equal((await deletion).status, 'ok');
      assert.equal(await rowsOf(g.id), 0, 'no membership row of the deleted group is left');
    });

    it('refuses an add that waited for a group deleted meanwhile, and writes no row', async () => {
      const g = await store.groups.create(org, group('Raced by a deletion'));
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      let deleted!: () => void;
      const holding = new Promise<void>((resolve) => (deleted = resolve));
      const deletion = store.transaction(async (tx) => {
        assert.equal((await tx.groups.delete(org, g.id)).status, 'ok');
        deleted();
        await gate;
      });
      await holding;
      const add = store.groups.applyMembershipDelta(org, g.id, { add: [{ value: u(4) }], remove: [] });
      const refused = assert.rejects(add, (e: unknown) => e instanceof ScimError && e.status === 404);
      try {
        await untilAnotherWaits(dialect, store, 'the second transaction');
      } finally {
        release();
        await deletion;
        await refused;
      }
      assert.equal(await rowsOf(g.id), 0);
    });
  });
}
