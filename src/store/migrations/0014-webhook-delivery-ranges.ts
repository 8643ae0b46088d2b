/**
 * Migration 0014: cheaper webhook delivery.
 * - `webhook_endpoints.leased_by` / `lease_expires_at`: the lease on an endpoint's *range* of the
 *   outbox (the events after its cursor). The worker sends a range straight from the committed
 *   outbox and writes its deliveries and attempts afterwards, in one transaction with the cursor.
 * - `webhook_deliveries.last_latency_ms`: the latency of the last attempt, for the delivery log.
 * - The indexes that find due, expired and earlier unfinished deliveries become partial (pending
 *   and leased rows only): finished rows — nearly all of them — no longer pay for them on insert,
 *   and the scans stay as small as the backlog. The queries spell the same literal predicates, so
 *   the planner can match them against the index's WHERE without looking at bound values (a
 *   PostgreSQL generic plan could not use the index for `status = $1`).
 */
import { sql, type Kysely, type Migration } from 'kysely';

type Db = Kysely<unknown>;

/** The predicates of the partial indexes, spelled exactly as the delivery queries spell them. */
export const PARTIAL = {
  pending: sql`status = 'pending'`,
  leased: sql`status = 'leased'`,
  unfinished: sql`status in ('pending', 'leased')`,
};

/** Endpoint range leases, delivery latency, partial delivery indexes. */
export function webhookDeliveryRangesMigration(): Migration {
  return {
    async up(db: Db) {
      await db.schema.alterTable('webhook_endpoints').addColumn('leased_by', 'text').execute();
      await db.schema.alterTable('webhook_endpoints').addColumn('lease_expires_at', 'text').execute();
      await db.schema.alterTable('webhook_deliveries').addColumn('last_latency_ms', 'integer').execute();
      for (const name of ['webhook_deliveries_due_idx', 'webhook_deliveries_lease_idx', 'webhook_deliveries_order_idx']) {
        await db.schema.dropIndex(name).ifExists().execute();
      }
      await sql`create index webhook_deliveries_due_idx on webhook_deliveries (next_attempt_at, sequence) where status = 'pending'`.execute(db);
      await sql`create index webhook_deliveries_lease_idx on webhook_deliveries (lease_expires_at) where status = 'leased'`.execute(db);
      await sql`create index webhook_deliveries_order_idx on webhook_deliveries (endpoint_id, resource_key, sequence) where status in ('pending', 'leased')`.execute(db);
    },
  };
}
