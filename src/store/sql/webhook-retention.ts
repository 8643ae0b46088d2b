/**
 * Retention of the webhook delivery log: attempts made before a time, deliveries finished before
 * it, and pending deliveries whose event retention already deleted. Ids are UUIDv7, so each delete
 * is a range of the `(org_id, id)` primary key per organization: no index of its own.
 */
import { sql } from 'kysely';
import type { SqlContext } from './context.ts';

/** The smallest UUIDv7 of the millisecond `ms` (ids below it were made before). */
export function lowestIdAt(ms: number): string {
  const h = Math.max(0, Math.floor(ms)).toString(16).padStart(12, '0').slice(-12);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-7000-8000-000000000000`;
}

/** Rows deleted per statement: a long backlog is pruned in short writes, not one long lock. */
const CHUNK = 2000;

/** Deletes what is older than `before` (see the module comment); returns how many rows of each. */
export async function pruneWebhookLog(ctx: SqlContext, before: string): Promise<{ readonly deliveries: number; readonly attempts: number }> {
  const below = lowestIdAt(Date.parse(before));
  const orgs = await ctx.db.selectFrom('webhook_endpoints').select('org_id').distinct().execute();
  let attempts = 0;
  let deliveries = 0;
  for (const { org_id: orgId } of orgs) {
    for (;;) {
      const old = ctx.db.selectFrom('webhook_attempts').select('id').where('org_id', '=', orgId).where('id', '<', below).orderBy('id').limit(CHUNK);
      const a = await ctx.db.deleteFrom('webhook_attempts').where('org_id', '=', orgId).where('id', 'in', old).executeTakeFirst();
      attempts += Number(a.numDeletedRows);
      if (Number(a.numDeletedRows) < CHUNK) break;
    }
    for (;;) {
      const old = ctx.db
        .selectFrom('webhook_deliveries as d')
        .select('d.id')
        .where('d.org_id', '=', orgId)
        .where('d.id', '<', below)
        .where((eb) =>
          eb.or([
            // Finished long enough ago …
            eb.and([eb('d.status', 'in', ['delivered', 'dead']), eb('d.updated_at', '<', before)]),
            // … or waiting for an event that retention has deleted (it can never be sent).
            eb.and([
              eb('d.status', '=', 'pending'),
              eb.not(eb.exists(eb.selectFrom('outbox_events as o').select(sql`1`.as('one')).whereRef('o.org_id', '=', 'd.org_id').whereRef('o.id', '=', 'd.event_id'))),
            ]),
          ]),
        )
        .orderBy('d.id')
        .limit(CHUNK);
      const d = await ctx.db.deleteFrom('webhook_deliveries').where('org_id', '=', orgId).where('id', 'in', old).executeTakeFirst();
      deliveries += Number(d.numDeletedRows);
      if (Number(d.numDeletedRows) < CHUNK) break;
    }
  }
  return { deliveries, attempts };
}
