import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { ScimError } from '../../src/core/scim-error.ts';
import type { SqlStore } from '../../src/store/sql/sql-store.ts';
import { group, user } from './fixtures.ts';
import { fakeClock, testDialects, untilAnotherWaits } from './harness.ts';

const TABLES = ['users', 'user_values', 'groups', 'memberships', 'api_keys', 'roles', 'audit_events', 'outbox_events', 'jobs'];

for (const dialect of await testDialects()) {
  describe(`organizations and transactions on ${dialect.name}`, () => {
    let store: SqlStore;
    before(async () => {
      store = await dialect.open({ clock: fakeClock().clock });
    });
    after(() => dialect.close(store));

    async function rowsOf(orgId: string): Promise<Record<string, number>> {
      const counts: Record<string, number> = {};
      for (const table of TABLES) {
        const { rows } = await sql<{ n: number }>`select count(*) as n from ${sql.table(table)} where org_id = ${orgId}`.execute(store.kysely);
        counts[table] = Number(rows[0]?.n);
      }
      return counts;
    }

    async function populate(orgId: string) {
      const u = await store.users.create(orgId, user('someone@example.com'));
      await store.groups.create(orgId, group('Team'), { members: [{ value: u.id }] });
      await store.apiKeys.create(orgId, { type: 'scim', description: 'Entra', prefix: 'scimd_ab', secretHash: `hash-${orgId}` });
      await store.roles.create(orgId, { name: 'Admin', predefined: true });
      await store.auditEvents.append(orgId, { actorType: 'scim', actorId: null, actorName: 'SCIM System User', action: 'user.created', resourceType: 'User', resourceId: u.id, requestId: null, sourceIp: null, changes: null });
      await store.outboxEvents.append(orgId, { type: 'user.created', resourceType: 'User', resourceId: u.id, data: { id: u.id } });
      await store.jobs.enqueue(orgId, { kind: 'mail' });
    }

    it('creates, reads, renames, toggles and lists organizations', async () => {
      const created = await store.organizations.create({ name: 'Acme', slug: 'acme-1', settings: { userNameIsEmail: true } });
      assert.equal(created.scimEnabled, true);
      assert.deepEqual(await store.organizations.get(created.id), created);
      assert.deepEqual(await store.organizations.getBySlug('acme-1'), created);
      const updated = await store.organizations.update(created.id, { name: 'Acme Inc', scimEnabled: false });
      assert.equal(updated?.name, 'Acme Inc');
      assert.equal(updated?.scimEnabled, false);
      assert.deepEqual(updated?.settings, { userNameIsEmail: true });
      assert.ok((await store.organizations.list()).some((o) => o.id === created.id));
      assert.equal(await store.organizations.update('missing', { name: 'x' }), undefined);
    });

    it('rejects a duplicate slug with 409 uniqueness', async () => {
      await store.organizations.create({ name: 'One', slug: 'dup' });
      await assert.rejects(store.organizations.create({ name: 'Two', slug: 'dup' }), (e: unknown) => e instanceof ScimError && e.status === 409 && /slug "dup"/.test(e.detail));
    });

    it('deletes an organization with every row of every table, leaving other organizations alone', async () => {
      const doomed = (await store.organizations.create({ name: 'Doomed', slug: 'doomed' })).id;
      const kept = (await store.organizations.create({ name: 'Kept', slug: 'kept' })).id;
      await populate(doomed);
      await populate(kept);
      assert.ok(Object.values(await rowsOf(doomed)).every((n) => n > 0), 'every table has rows before');
      assert.equal(await store.organizations.delete(doomed), true);
      assert.ok(Object.values(await rowsOf(doomed)).every((n) => n === 0), 'no row of the organization is left');
      assert.ok(Object.values(await rowsOf(kept)).every((n) => n > 0), 'the other organization keeps its rows');
      assert.equal(await store.organizations.get(doomed), undefined);
      assert.equal(await store.organizations.delete(doomed), false);
    });

    // On PostgreSQL memberships, audit and outbox rows have no foreign key that would make the
    // deletion wait for a write in flight or cascade to its rows (migration 0018): a write that
    // commits while the deletion waits for it must still leave nothing behind.
    /** Runs `write` in a transaction held open until the organization's deletion waits for it; returns what is left of the organization. */
    async function raceDeletion(slug: string, write: (tx: SqlStore, org: string) => Promise<void>) {
      const org = (await store.organizations.create({ name: slug, slug })).id;
      await populate(org);
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      let written!: () => void;
      const holding = new Promise<void>((resolve) => (written = resolve));
      const writer = store.transaction(async (tx) => {
        await write(tx as SqlStore, org);
        written();
        await gate;
      });
      await holding;
      const deletion = store.transaction((tx) => tx.organizations.delete(org));
      try {
        await untilAnotherWaits(dialect, store, 'the deletion');
      } finally {
        release();
        await writer;
      }
      assert.equal(await deletion, true);
      return rowsOf(org);
    }
    const appendBoth = async (tx: SqlStore, org: string, resourceId: string) => {
      await tx.auditEvents.append(org, { actorType: 'scim', actorId: null, actorName: 'SCIM System User', action: 'user.created', resourceType: 'User', resourceId, requestId: null, sourceIp: null, changes: null });
      await tx.outboxEvents.append(org, { type: 'user.created', resourceType: 'User', resourceId, data: { id: resourceId } });
    };

    it('leaves no membership, audit or outbox row of a member add that committed while the deletion waited for its group', async () => {
      const left = await raceDeletion('raced-by-members', async (tx, org) => {
        const [team] = (await tx.groups.list(org, { count: 1 })).resources;
        const current = await tx.groups.get(org, team?.id ?? assert.fail('no group'), { forUpdate: true });
        const added = await tx.users.create(org, user('added@example.com'));
        await tx.groups.applyMembershipDelta(org, current?.id ?? '', { add: [{ value: added.id }], remove: [] }, { current });
        await appendBoth(tx, org, added.id);
      });
      assert.ok(Object.values(left).every((n) => n === 0), `rows left: ${JSON.stringify(left)}`);
    });

    it('leaves no audit or outbox row of a user creation that committed while the deletion waited for the organization', async () => {
      const left = await raceDeletion('raced-by-a-user', async (tx, org) => {
        const created = await tx.users.create(org, user('late@example.com'));
        await appendBoth(tx, org, created.id);
      });
      assert.ok(Object.values(left).every((n) => n === 0), `rows left: ${JSON.stringify(left)}`);
    });

    it('commits every write of a transaction together', async () => {
      const org = (await store.organizations.create({ name: 'Tx', slug: 'tx-commit' })).id;
      const id = await store.transaction(async (tx) => {
        const u = await tx.users.create(org, user('committed@example.com'));
        await tx.auditEvents.append(org, { actorType: 'admin', actorId: 'op', actorName: 'Operator', action: 'user.created', resourceType: 'User', resourceId: u.id, requestId: 'r1', sourceIp: '127.0.0.1', changes: { after: { userName: u.userName } } });
        await tx.transaction(async (nested) => nested.outboxEvents.append(org, { type: 'user.created', resourceType: 'User', resourceId: u.id, data: null }));
        return u.id;
      });
      assert.ok(await store.users.get(org, id));
      assert.equal((await store.auditEvents.query(org, { limit: 10 })).events.length, 1);
      assert.equal((await store.outboxEvents.list(org, { limit: 10 })).length, 1);
    });

    it('rolls back every write of a transaction when it throws', async () => {
      const org = (await store.organizations.create({ name: 'Tx', slug: 'tx-rollback' })).id;
      await assert.rejects(
        store.transaction(async (tx) => {
          const u = await tx.users.create(org, user('rolled-back@example.com'));
          await tx.groups.create(org, group('Rolled back'), { members: [{ value: u.id }] });
          await tx.auditEvents.append(org, { actorType: 'scim', actorId: null, actorName: 'SCIM System User', action: 'user.created', resourceType: 'User', resourceId: u.id, requestId: null, sourceIp: null, changes: null });
          await tx.users.create(org, user('ROLLED-BACK@example.com'));
        }),
        (e: unknown) => e instanceof ScimError && e.status === 409,
      );
      assert.deepEqual(await rowsOf(org), Object.fromEntries(TABLES.map((t) => [t, 0])));
    });
  });
}
