import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Migrator, sql } from 'kysely';
import { appliedMigrations, migrateToLatest, migrations } from '../../src/store/migrations/migrate.ts';
import { policiesOf } from '../../src/services/policies.ts';
import { testDialects } from './harness.ts';

for (const dialect of await testDialects()) {
  describe(`migrations on ${dialect.name}`, () => {
    it('migrates an empty database to the latest layout and reports each migration', async () => {
      const store = await dialect.open({}, false);
      try {
        const first = await migrateToLatest(store);
        assert.equal(first.error, undefined);
        assert.deepEqual(first.results, [
          { name: '0001-initial', status: 'Success' },
          { name: '0002-administration', status: 'Success' },
          { name: '0003-operators-and-mail', status: 'Success' },
          { name: '0004-provisioning-activity', status: 'Success' },
          { name: '0005-change-announcements', status: 'Success' },
          { name: '0006-events-webhooks', status: 'Success' },
          { name: '0007-schema-extensions', status: 'Success' },
          { name: '0008-sync-state', status: 'Success' },
          { name: '0010-explicit-policies', status: 'Success' },
          { name: '0011-active-by-default', status: 'Success' },
          { name: '0012-sync-logs', status: 'Success' },
          { name: '0013-sync-health', status: 'Success' },
          { name: '0014-webhook-delivery-ranges', status: 'Success' },
          { name: '0015-sync-log-steps', status: 'Success' },
          { name: '0016-event-numbers-at-commit', status: 'Success' },
          { name: '0017-event-numbers-after-commit', status: 'Success' },
          { name: '0018-fewer-write-path-keys', status: 'Success' },
        ]);
        assert.deepEqual(await appliedMigrations(store), ['0001-initial', '0002-administration', '0003-operators-and-mail', '0004-provisioning-activity', '0005-change-announcements', '0006-events-webhooks', '0007-schema-extensions', '0008-sync-state', '0010-explicit-policies', '0011-active-by-default', '0012-sync-logs', '0013-sync-health', '0014-webhook-delivery-ranges', '0015-sync-log-steps', '0016-event-numbers-at-commit', '0017-event-numbers-after-commit', '0018-fewer-write-path-keys']);
        const again = await migrateToLatest(store);
        assert.equal(again.error, undefined);
        assert.deepEqual(again.results, [], 'a second run has nothing to do');
        for (const table of ['organizations', 'users', 'user_values', 'groups', 'memberships', 'api_keys', 'roles', 'audit_events', 'outbox_events', 'jobs', 'operators', 'operator_sessions', 'setup_links', 'mail_log', 'scim_activity', 'scim_errors', 'schema_extensions', 'event_sequences', 'webhook_endpoints', 'webhook_deliveries', 'webhook_attempts', 'sync_logs', 'sync_job_health']) {
          const { rows } = await sql<{ n: number }>`select count(*) as n from ${sql.table(table)}`.execute(store.kysely);
          assert.equal(Number(rows[0]?.n), 0, `${table} exists and is empty`);
        }
      } finally {
        await dialect.close(store);
      }
    });

    it('makes users stored without active active, in the document and the column, leaving false alone', async () => {
      const store = await dialect.open({}, false);
      try {
        await migrateToLatest(store);
        const org = await store.organizations.create({ name: 'Acme', slug: 'acme' });
        const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
        // Rows as an older scimd wrote them: no `active` in the document, false in the column.
        const absent = await store.users.create(org.id, { schemas: [USER], userName: 'absent@example.com' });
        const off = await store.users.create(org.id, { schemas: [USER], userName: 'off@example.com', active: false });
        assert.equal(absent.active, false);
        // Later migrations must be undone too: kysely runs pending ones only after the last applied.
        await sql`delete from scimd_migration where name >= '0011-active-by-default'`.execute(store.kysely);
        await sql`drop table sync_logs`.execute(store.kysely);
        await sql`drop table sync_deletion_approvals`.execute(store.kysely);
        await sql`drop table sync_job_health`.execute(store.kysely);
        await sql`alter table sync_links drop column retry_at`.execute(store.kysely);
        await sql`alter table sync_links drop column failures`.execute(store.kysely);
        for (const [table, column] of [['webhook_endpoints', 'leased_by'], ['webhook_endpoints', 'lease_expires_at'], ['webhook_deliveries', 'last_latency_ms']] as const) {
          await sql`alter table ${sql.table(table)} drop column ${sql.ref(column)}`.execute(store.kysely);
        }
        const rerun = await migrateToLatest(store);
        assert.deepEqual(rerun.results, [{ name: '0011-active-by-default', status: 'Success' }, { name: '0012-sync-logs', status: 'Success' }, { name: '0013-sync-health', status: 'Success' }, { name: '0014-webhook-delivery-ranges', status: 'Success' }, { name: '0015-sync-log-steps', status: 'Success' }, { name: '0016-event-numbers-at-commit', status: 'Success' }, { name: '0017-event-numbers-after-commit', status: 'Success' }, { name: '0018-fewer-write-path-keys', status: 'Success' }]);
        const fixed = await store.users.get(org.id, absent.id);
        assert.deepEqual([fixed?.active, fixed?.resource['active'], fixed?.version], [true, true, absent.version]);
        const kept = await store.users.get(org.id, off.id);
        assert.deepEqual([kept?.active, kept?.resource['active']], [false, false]);
      } finally {
        await dialect.close(store);
      }
    });

    it('keeps the e-mail rules of organizations created before policy presets existed', async () => {
      const store = await dialect.open({}, false);
      try {
        const migrator = new Migrator({
          db: store.kysely,
          provider: { getMigrations: async () => migrations(store.ddl) },
          migrationTableName: 'scimd_migration',
          migrationLockTableName: 'scimd_migration_lock',
        });
        assert.equal((await migrator.migrateTo('0005-change-announcements')).error, undefined);
        const untouched = await store.organizations.create({ name: 'Old', slug: 'old', settings: { compatibilityProfile: 'lenient' } });
        const changed = await store.organizations.create({ name: 'Tuned', slug: 'tuned', settings: { policies: { userNameMustBeEmail: false, allowedDomains: ['contoso.com'] } } });
        assert.equal((await migrateToLatest(store)).error, undefined);
        const old = await store.organizations.get(untouched.id);
        assert.deepEqual(policiesOf(old?.settings ?? {}), {
          userNameMustBeEmail: true,
          allowedDomains: [],
          userNameImmutable: false,
          deriveDisplayName: true,
          userTypeMustNameRole: true,
          defaultRole: 'Employee',
        });
        assert.equal(old?.settings['compatibilityProfile'], 'lenient', 'other settings stay');
        const tuned = policiesOf((await store.organizations.get(changed.id))?.settings ?? {});
        assert.equal(tuned.userNameMustBeEmail, false, 'a stored choice wins over the old default');
        assert.deepEqual(tuned.allowedDomains, ['contoso.com']);
        assert.equal(tuned.userTypeMustNameRole, true);
      } finally {
        await dialect.close(store);
      }
    });
  });
}
