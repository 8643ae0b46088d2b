/**
 * Migration 0006 on a database that already has events: they are numbered per organization in id
 * order, their types get the `scimd.` names, and new events continue after them.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Migrator, sql } from 'kysely';
import { migrateToLatest, migrations } from '../../src/store/migrations/migrate.ts';
import { testDialects } from './harness.ts';

for (const dialect of await testDialects()) {
  describe(`the events migration on ${dialect.name}`, () => {
    it('numbers existing events, renames their types, and continues the sequence', async () => {
      const store = await dialect.open({}, false);
      try {
        const before = Object.fromEntries(Object.entries(migrations(store.ddl)).filter(([name]) => name < '0006'));
        const migrator = new Migrator({ db: store.kysely, provider: { getMigrations: async () => before }, migrationTableName: 'scimd_migration', migrationLockTableName: 'scimd_migration_lock' });
        assert.equal((await migrator.migrateToLatest()).error, undefined);
        const now = new Date().toISOString();
        await sql`insert into organizations (id, name, slug, scim_enabled, settings, created_at, updated_at) values ('o1', 'Old', 'old', ${store.capabilities.booleanAsInteger ? 1 : true}, '{}', ${now}, ${now})`.execute(store.kysely);
        for (const [id, type] of [['e1', 'user.created'], ['e2', 'group.member_added'], ['e3', 'user.deactivated']]) {
          await sql`insert into outbox_events (org_id, id, type, occurred_at, resource_type, resource_id, data) values ('o1', ${id}, ${type}, ${now}, 'User', 'u1', '{}')`.execute(store.kysely);
        }
        assert.equal((await migrateToLatest(store)).error, undefined);
        const page = await store.outboxEvents.page('o1', { afterSequence: 0, limit: 10 });
        assert.deepEqual(page.map((e) => [e.id, e.sequence, e.type]), [
          ['e1', 1, 'scimd.user.created'],
          ['e2', 2, 'scimd.group.members.added'],
          ['e3', 3, 'scimd.user.deactivated'],
        ]);
        const next = await store.outboxEvents.append('o1', { type: 'scimd.user.updated', resourceType: 'User', resourceId: 'u1', data: {} });
        assert.equal(next.sequence, 4);
      } finally {
        await dialect.close(store);
      }
    });
  });
}
