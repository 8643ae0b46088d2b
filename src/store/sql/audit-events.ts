/**
 * The revision history (DESIGN.md §3): append-only events, queried with keyset cursors on the
 * time-ordered id, and streamed in batches so an export of a million rows uses constant memory.
 */
import type { Selectable } from 'kysely';
import type { AuditEventsTable } from '../database.ts';
import { decodeCursor, encodeCursor } from '../cursor.ts';
import type { ActorType, AuditEventRecord } from '../records.ts';
import type { AuditEventStore, AuditQuery } from '../store.ts';
import { decodeJson, encodeJson, type SqlContext } from './context.ts';
import { insertRows } from './precompiled.ts';

/** Every column of `audit_events`, in insert order (appends are precompiled: one per write). */
const AUDIT_COLUMNS = [
  'org_id', 'id', 'occurred_at', 'actor_type', 'actor_id', 'actor_name', 'action', 'resource_type', 'resource_id', 'request_id', 'source_ip', 'changes',
] as const;

function toRecord(ctx: SqlContext, row: Selectable<AuditEventsTable>): AuditEventRecord {
  return {
    orgId: row.org_id,
    id: row.id,
    occurredAt: row.occurred_at,
    actorType: row.actor_type as ActorType,
    actorId: row.actor_id,
    actorName: row.actor_name,
    action: row.action,
    resourceType: row.resource_type,
    resourceId: row.resource_id,
    requestId: row.request_id,
    sourceIp: row.source_ip,
    changes: decodeJson(ctx.caps, row.changes),
  };
}

type Filters = Omit<AuditQuery, 'cursor' | 'limit'>;

async function page(ctx: SqlContext, orgId: string, filters: Filters, afterId: string | undefined, limit: number) {
  const newest = filters.order !== 'oldest';
  let query = ctx.db.selectFrom('audit_events').selectAll().where('org_id', '=', orgId);
  if (filters.from !== undefined) query = query.where('occurred_at', '>=', filters.from);
  if (filters.to !== undefined) query = query.where('occurred_at', '<', filters.to);
  if (filters.actorType !== undefined) query = query.where('actor_type', '=', filters.actorType);
  if (filters.actorId !== undefined) query = query.where('actor_id', '=', filters.actorId);
  if (filters.action !== undefined) query = query.where('action', '=', filters.action);
  if (filters.resourceId !== undefined) query = query.where('resource_id', '=', filters.resourceId);
  if (afterId !== undefined) query = query.where('id', newest ? '<' : '>', afterId);
  const rows = await query.orderBy('id', newest ? 'desc' : 'asc').limit(limit).execute();
  return rows.map((row) => toRecord(ctx, row));
}

const cursorSort = (filters: Filters): string => `audit:${filters.order ?? 'newest'}`;

/** The audit event sub-store. */
export function auditEventStore(ctx: SqlContext): AuditEventStore {
  return {
    async append(orgId, event) {
      const row = {
        org_id: orgId,
        id: event.id ?? ctx.newId(),
        occurred_at: event.occurredAt ?? ctx.now(),
        actor_type: event.actorType,
        actor_id: event.actorId,
        actor_name: event.actorName,
        action: event.action,
        resource_type: event.resourceType,
        resource_id: event.resourceId,
        request_id: event.requestId,
        source_ip: event.sourceIp,
        changes: encodeJson(event.changes),
      };
      // Nothing is read back: on PostgreSQL the row may travel with the transaction's next statement or COMMIT.
      await insertRows(ctx, 'audit_events', AUDIT_COLUMNS, [row], true);
      return { ...toRecord(ctx, { ...row, changes: null }), changes: event.changes ?? null };
    },
    async query(orgId, query) {
      const afterId = query.cursor ? decodeCursor(query.cursor, cursorSort(query)).id : undefined;
      const rows = await page(ctx, orgId, query, afterId, query.limit + 1);
      const events = rows.slice(0, query.limit);
      const last = events[events.length - 1];
      const more = rows.length > query.limit && last !== undefined;
      return more ? { events, nextCursor: encodeCursor({ sort: cursorSort(query), value: null, id: last.id }) } : { events };
    },
    async *stream(orgId, filters, batchSize = 1000) {
      let afterId: string | undefined;
      for (;;) {
        const rows = await page(ctx, orgId, filters, afterId, batchSize);
        yield* rows;
        const last = rows[rows.length - 1];
        if (!last || rows.length < batchSize) return;
        afterId = last.id;
      }
    },
    async deleteBefore(orgId, before) {
      const result = await ctx.db.deleteFrom('audit_events').where('org_id', '=', orgId).where('occurred_at', '<', before).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}
