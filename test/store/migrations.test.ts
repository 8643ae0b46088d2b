import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sql } from 'kysely';
import { appliedMigrations, migrateToLatest } from '../../src/store/migrations/migrate.ts';
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
        ]);
        assert.deepEqual(await appliedMigrations(store), ['0001-initial', '0002-administration', '0003-operators-and-mail', '0004-provisioning-activity', '0005-change-announcements', '0006-events-webhooks']);
        const again = await migrateToLatest(store);
        assert.equal(again.error, undefined);
        assert.deepEqual(again.results, [], 'a second run has nothing to do');
        for (const table of ['organizations', 'users', 'user_values', 'groups', 'memberships', 'api_keys', 'roles', 'audit_events', 'outbox_events', 'jobs', 'operators', 'operator_sessions', 'setup_links', 'mail_log', 'scim_activity', 'scim_errors', 'event_sequences', 'webhook_endpoints', 'webhook_deliveries', 'webhook_attempts']) {
          const { rows } = await sql<{ n: number }>`select count(*) as n from ${sql.table(table)}`.execute(store.kysely);
          assert.equal(Number(rows[0]?.n), 0, `${table} exists and is empty`);
        }
      } finally {
        await dialect.close(store);
      }
    });
  });
}
