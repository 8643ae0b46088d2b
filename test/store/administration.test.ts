import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ScimError } from '../../src/core/scim-error.ts';
import type { SqlStore } from '../../src/store/sql/sql-store.ts';
import type { NewAuditEvent } from '../../src/store/store.ts';
import { user } from './fixtures.ts';
import { fakeClock, testDialects } from './harness.ts';

const event = (action: string, extra: Partial<NewAuditEvent> = {}): NewAuditEvent => ({
  actorType: 'scim',
  actorId: 'key-1',
  actorName: 'SCIM System User',
  action,
  resourceType: 'User',
  resourceId: 'u-1',
  requestId: null,
  sourceIp: null,
  changes: { before: null, after: { active: true } },
  ...extra,
});

for (const dialect of await testDialects()) {
  describe(`api keys, roles, audit and outbox on ${dialect.name}`, () => {
    let store: SqlStore;
    let org: string;
    let other: string;
    before(async () => {
      store = await dialect.open({ clock: fakeClock().clock });
      org = (await store.organizations.create({ name: 'Acme', slug: 'acme' })).id;
      other = (await store.organizations.create({ name: 'Other', slug: 'other' })).id;
    });
    after(() => dialect.close(store));

    it('stores API keys by hash, finds, lists, touches and revokes them', async () => {
      const key = await store.apiKeys.create(org, { type: 'scim', description: 'Entra', prefix: 'scimd_12', secretHash: 'h1', expiresAt: '2027-06-30T00:00:00.000Z', ipAllowlist: ['10.0.0.0/8'] });
      assert.deepEqual(await store.apiKeys.findByHash('h1'), key);
      assert.deepEqual(await store.apiKeys.findById(key.id), key);
      assert.equal(await store.apiKeys.get(other, key.id), undefined);
      assert.deepEqual((await store.apiKeys.list(org)).map((k) => k.id), [key.id]);
      await store.apiKeys.touchLastUsed([{ id: key.id, at: '2026-02-01T00:00:00.000Z' }, { id: key.id, at: '2026-01-15T00:00:00.000Z' }]);
      assert.equal((await store.apiKeys.get(org, key.id))?.lastUsedAt, '2026-02-01T00:00:00.000Z', 'an older use never overwrites a newer one');
      const revoked = await store.apiKeys.revoke(org, key.id, '2026-03-01T00:00:00.000Z');
      assert.equal(revoked?.revokedAt, '2026-03-01T00:00:00.000Z');
      await assert.rejects(store.apiKeys.create(org, { type: 'api', description: 'dup', prefix: 'x', secretHash: 'h1' }), (e: unknown) => e instanceof ScimError && e.status === 409);
    });

    it('keeps role names unique per organization, exact-case, and counts the users naming a role', async () => {
      const admin = await store.roles.create(org, { name: 'Admin', predefined: true });
      await store.roles.create(other, { name: 'Admin' });
      await assert.rejects(store.roles.create(org, { name: 'Admin' }), (e: unknown) => e instanceof ScimError && e.status === 409 && /name "Admin"/.test(e.detail));
      assert.equal(await store.roles.findByName(org, 'admin'), undefined, 'userType must name a role exactly');
      assert.deepEqual(await store.roles.findByName(org, 'Admin'), admin);
      await store.users.create(org, user('boss@example.com', { userType: 'Admin' }));
      assert.equal(await store.roles.countUsers(org, 'Admin'), 1);
      const renamed = await store.roles.update(org, admin.id, { name: 'Administrator' });
      assert.equal(renamed?.name, 'Administrator');
      assert.equal(await store.roles.delete(org, admin.id), true);
      assert.deepEqual((await store.roles.list(org)).map((r) => r.name), []);
    });

    it('queries the audit trail by actor, action, resource and time with cursors, newest first', async () => {
      for (let i = 0; i < 7; i += 1) {
        await store.auditEvents.append(org, event(i % 2 === 0 ? 'user.created' : 'user.updated', { resourceId: `u-${i % 3}` }));
      }
      await store.auditEvents.append(org, event('key.created', { actorType: 'admin', actorId: 'op-1', actorName: 'Operator' }));
      await store.auditEvents.append(other, event('user.created'));
      const all = await store.auditEvents.query(org, { limit: 100 });
      assert.equal(all.events.length, 8);
      assert.deepEqual(all.events.map((e) => e.id), [...all.events.map((e) => e.id)].sort().reverse());
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await store.auditEvents.query(org, { limit: 3, ...(cursor === undefined ? {} : { cursor }) });
        seen.push(...page.events.map((e) => e.id));
        cursor = page.nextCursor;
      } while (cursor !== undefined);
      assert.deepEqual(seen, all.events.map((e) => e.id));
      assert.equal((await store.auditEvents.query(org, { limit: 100, actorType: 'admin' })).events.length, 1);
      assert.equal((await store.auditEvents.query(org, { limit: 100, action: 'user.created' })).events.length, 4);
      assert.equal((await store.auditEvents.query(org, { limit: 100, resourceId: 'u-0' })).events.length, 3);
      const middle = all.events[4]?.occurredAt ?? assert.fail();
      assert.equal((await store.auditEvents.query(org, { limit: 100, from: middle })).events.length, 5);
      assert.deepEqual(all.events.at(-1)?.changes, { before: null, after: { active: true } });
    });

    it('streams the whole audit trail oldest first in batches', async () => {
      const streamed: string[] = [];
      for await (const e of store.auditEvents.stream(org, { order: 'oldest' }, 2)) streamed.push(e.id);
      const all = (await store.auditEvents.query(org, { limit: 1000, order: 'oldest' })).events.map((e) => e.id);
      assert.deepEqual(streamed, all);
      assert.ok(streamed.length >= 8);
    });

    it('reads outbox events after a cursor, per organization and across all', async () => {
      const a = await store.outboxEvents.append(org, { type: 'user.created', resourceType: 'User', resourceId: 'u-1', data: { id: 'u-1' } });
      const b = await store.outboxEvents.append(other, { type: 'group.created', resourceType: 'Group', resourceId: 'g-1', data: null });
      const c = await store.outboxEvents.append(org, { type: 'user.deleted', resourceType: 'User', resourceId: 'u-1', data: null });
      assert.deepEqual((await store.outboxEvents.list(org, { limit: 10 })).map((e) => e.id), [a.id, c.id]);
      assert.deepEqual((await store.outboxEvents.list(org, { after: a.id, limit: 10 })).map((e) => e.id), [c.id]);
      assert.deepEqual((await store.outboxEvents.listAll({ after: a.id, limit: 10 })).map((e) => e.id), [b.id, c.id]);
      assert.deepEqual((await store.outboxEvents.list(org, { limit: 1 }))[0], a);
    });
  });
}
