/**
 * Migration 0006: host-application events and webhooks.
 * - `outbox_events.sequence`: a per-organization number, strictly increasing in commit order. It is
 *   taken from `event_sequences` in the same transaction as the event (the row stays locked until
 *   commit on PostgreSQL), so a later number can only become visible after every earlier one.
 * - `event_sequences`: one row per organization with the last number handed out and the highest
 *   number deleted by retention (a feed cursor below it gets 410).
 * - `webhook_endpoints`, `webhook_deliveries` (one per endpoint and event, leased like jobs) and
 *   `webhook_attempts` (the delivery log).
 * Events written before this migration get numbers in id order.
 */
import { sql, type Kysely, type Migration } from 'kysely';
import { cascadeToOrg } from './0001-initial.ts';
import type { DdlDetails } from './ddl.ts';

type Db = Kysely<unknown>;

/** Event types before this migration, and their CloudEvents names. */
const RENAMED: Readonly<Record<string, string>> = {
  'group.member_added': 'scimd.group.members.added',
  'group.member_removed': 'scimd.group.members.removed',
};
const renamed = (type: string): string => RENAMED[type] ?? (type.startsWith('scimd.') ? type : `scimd.${type}`);

async function numberExistingEvents(db: Db): Promise<void> {
  const rows = await sql<{ org_id: string; id: string; type: string }>`select org_id, id, type from outbox_events order by org_id, id`.execute(db);
  const last = new Map<string, number>();
  for (const row of rows.rows) {
    const next = (last.get(row.org_id) ?? 0) + 1;
    last.set(row.org_id, next);
    await sql`update outbox_events set sequence = ${next}, type = ${renamed(row.type)} where org_id = ${row.org_id} and id = ${row.id}`.execute(db);
  }
  for (const [orgId, value] of last) {
    await sql`insert into event_sequences (org_id, last_sequence, pruned_through) values (${orgId}, ${value}, 0)`.execute(db);
  }
}

async function createWebhookTables(db: Db, ddl: DdlDetails): Promise<void> {
  await cascadeToOrg(
    db.schema
      .createTable('webhook_endpoints')
      .addColumn('org_id', 'text', (c) => c.notNull())
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('url', 'text', (c) => c.notNull())
      .addColumn('description', 'text')
      .addColumn('types', ddl.json)
      .addColumn('secret', 'text', (c) => c.notNull())
      .addColumn('previous_secret', 'text')
      .addColumn('previous_secret_until', 'text')
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('disabled_reason', 'text')
      .addColumn('failing_since', 'text')
      .addColumn('cursor', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('webhook_endpoints_pk', ['org_id', 'id']),
    'webhook_endpoints',
  ).execute();
  await db.schema.createIndex('webhook_endpoints_id_idx').on('webhook_endpoints').column('id').unique().execute();
  await cascadeToOrg(
    db.schema
      .createTable('webhook_deliveries')
      .addColumn('org_id', 'text', (c) => c.notNull())
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('endpoint_id', 'text', (c) => c.notNull())
      .addColumn('event_id', 'text', (c) => c.notNull())
      .addColumn('sequence', 'integer', (c) => c.notNull())
      .addColumn('event_type', 'text', (c) => c.notNull())
      .addColumn('resource_key', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull())
      .addColumn('next_attempt_at', 'text', (c) => c.notNull())
      .addColumn('leased_by', 'text')
      .addColumn('lease_expires_at', 'text')
      .addColumn('last_status', 'integer')
      .addColumn('last_error', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('delivered_at', 'text')
      .addPrimaryKeyConstraint('webhook_deliveries_pk', ['org_id', 'id'])
      .addUniqueConstraint('webhook_deliveries_event_uq', ['endpoint_id', 'event_id']),
    'webhook_deliveries',
  ).execute();
  await db.schema.createIndex('webhook_deliveries_id_idx').on('webhook_deliveries').column('id').unique().execute();
  await db.schema.createIndex('webhook_deliveries_due_idx').on('webhook_deliveries').columns(['status', 'next_attempt_at', 'sequence']).execute();
  await db.schema.createIndex('webhook_deliveries_lease_idx').on('webhook_deliveries').columns(['status', 'lease_expires_at']).execute();
  await db.schema.createIndex('webhook_deliveries_order_idx').on('webhook_deliveries').columns(['endpoint_id', 'resource_key', 'sequence']).execute();
  await db.schema.createIndex('webhook_deliveries_list_idx').on('webhook_deliveries').columns(['org_id', 'endpoint_id', 'sequence']).execute();
  await cascadeToOrg(
    db.schema
      .createTable('webhook_attempts')
      .addColumn('org_id', 'text', (c) => c.notNull())
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('delivery_id', 'text', (c) => c.notNull())
      .addColumn('endpoint_id', 'text', (c) => c.notNull())
      .addColumn('event_id', 'text', (c) => c.notNull())
      .addColumn('attempted_at', 'text', (c) => c.notNull())
      .addColumn('status_code', 'integer')
      .addColumn('latency_ms', 'integer', (c) => c.notNull())
      .addColumn('error', 'text')
      .addColumn('response_excerpt', 'text')
      .addPrimaryKeyConstraint('webhook_attempts_pk', ['org_id', 'id']),
    'webhook_attempts',
  ).execute();
  await db.schema.createIndex('webhook_attempts_endpoint_idx').on('webhook_attempts').columns(['org_id', 'endpoint_id', 'id']).execute();
  await db.schema.createIndex('webhook_attempts_delivery_idx').on('webhook_attempts').columns(['delivery_id', 'id']).execute();
}

/** Event sequence numbers, webhook endpoints, deliveries and attempts. */
export function eventsWebhooksMigration(ddl: DdlDetails): Migration {
  return {
    async up(db: Db) {
      await db.schema.alterTable('outbox_events').addColumn('sequence', 'integer').execute();
      await cascadeToOrg(
        db.schema
          .createTable('event_sequences')
          .addColumn('org_id', 'text', (c) => c.primaryKey())
          .addColumn('last_sequence', 'integer', (c) => c.notNull())
          .addColumn('pruned_through', 'integer', (c) => c.notNull()),
        'event_sequences',
      ).execute();
      await numberExistingEvents(db);
      await db.schema.createIndex('outbox_events_sequence_uq').on('outbox_events').columns(['org_id', 'sequence']).unique().execute();
      await createWebhookTables(db, ddl);
    },
  };
}
