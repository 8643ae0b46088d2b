/**
 * Migration 0004: provisioning activity. `scim_activity` holds one row per
 * organization and UTC hour with the number of successful and failed SCIM requests and the latest
 * time of each — written in batches from memory, so no request pays for a write. `scim_errors`
 * keeps samples of failed SCIM requests with the SCIM error body the client received (RFC 7644
 * §3.12). Both lead with `org_id`, cascade with their organization, and are pruned by retention.
 */
import type { Kysely, Migration } from 'kysely';
import { cascadeToOrg } from './0001-initial.ts';
import type { DdlDetails } from './ddl.ts';

type Db = Kysely<unknown>;

/** The activity counters and the error samples. */
export function provisioningActivityMigration(ddl: DdlDetails): Migration {
  return {
    async up(db: Db) {
      await cascadeToOrg(
        db.schema
          .createTable('scim_activity')
          .addColumn('org_id', 'text', (c) => c.notNull())
          // The UTC hour, `YYYY-MM-DDTHH` (the first 13 characters of an ISO 8601 timestamp).
          .addColumn('hour', 'text', (c) => c.notNull())
          .addColumn('successes', 'integer', (c) => c.notNull())
          .addColumn('errors', 'integer', (c) => c.notNull())
          .addColumn('last_success_at', 'text')
          .addColumn('last_error_at', 'text')
          .addPrimaryKeyConstraint('scim_activity_pk', ['org_id', 'hour']),
        'scim_activity',
      ).execute();
      await cascadeToOrg(
        db.schema
          .createTable('scim_errors')
          .addColumn('org_id', 'text', (c) => c.notNull())
          .addColumn('id', 'text', (c) => c.notNull())
          .addColumn('occurred_at', 'text', (c) => c.notNull())
          .addColumn('key_id', 'text')
          .addColumn('request_id', 'text')
          .addColumn('method', 'text', (c) => c.notNull())
          .addColumn('path', 'text', (c) => c.notNull())
          .addColumn('status', 'integer', (c) => c.notNull())
          .addColumn('scim_type', 'text')
          .addColumn('detail', 'text', (c) => c.notNull())
          .addColumn('body', ddl.json, (c) => c.notNull())
          .addPrimaryKeyConstraint('scim_errors_pk', ['org_id', 'id']),
        'scim_errors',
      ).execute();
      await db.schema.createIndex('scim_errors_occurred_at_idx').on('scim_errors').columns(['org_id', 'occurred_at', 'id']).execute();
    },
  };
}
