/** The event outbox (DESIGN.md §3): written in the change's transaction, read after a cursor. */
import type { Selectable } from 'kysely';
import type { OutboxEventsTable } from '../database.ts';
import type { OutboxEventRecord } from '../rows.ts';
import type { OutboxEventStore } from '../store.ts';
import { decodeJson, encodeJson, type SqlContext } from './context.ts';
import { insertRows } from './precompiled.ts';

/** Every column of `outbox_events`, in insert order (appends are precompiled: one per write). */
const OUTBOX_COLUMNS = ['org_id', 'id', 'type', 'occurred_at', 'resource_type', 'resource_id', 'data'] as const;

function toRecord(ctx: SqlContext, row: Selectable<OutboxEventsTable>): OutboxEventRecord {
  return {
    orgId: row.org_id,
    id: row.id,
    type: row.type,
    occurredAt: row.occurred_at,
    resourceType: row.resource_type,
    resourceId: row.resource_id,
    data: decodeJson(ctx.caps, row.data),
  };
}

/** The outbox sub-store. */
export function outboxEventStore(ctx: SqlContext): OutboxEventStore {
  return {
    async append(orgId, event) {
      const row = {
        org_id: orgId,
        id: event.id ?? ctx.newId(),
        type: event.type,
        occurred_at: event.occurredAt ?? ctx.now(),
        resource_type: event.resourceType,
        resource_id: event.resourceId,
        data: encodeJson(event.data),
      };
      await insertRows(ctx, 'outbox_events', OUTBOX_COLUMNS, [row]);
      return { ...toRecord(ctx, { ...row, data: null }), data: event.data ?? null };
    },
    async list(orgId, page) {
      let query = ctx.db.selectFrom('outbox_events').selectAll().where('org_id', '=', orgId);
      if (page.after !== undefined) query = query.where('id', '>', page.after);
      return (await query.orderBy('id').limit(page.limit).execute()).map((row) => toRecord(ctx, row));
    },
    async listAll(page) {
      let query = ctx.db.selectFrom('outbox_events').selectAll();
      if (page.after !== undefined) query = query.where('id', '>', page.after);
      return (await query.orderBy('id').limit(page.limit).execute()).map((row) => toRecord(ctx, row));
    },
  };
}
