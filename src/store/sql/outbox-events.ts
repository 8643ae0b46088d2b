/**
 * The event outbox (DESIGN.md §3): written in the change's transaction, read after a cursor.
 *
 * Every event gets its organization's next `sequence` number from the organization's
 * `event_sequences` row, and that row stays locked until the numbering transaction ends: a second
 * writer of the same organization waits and gets the next number only after the first committed (or
 * rolled back, releasing its number). Numbers become visible in order, so a reader that has seen
 * number n has seen every number below it (docs/events.md).
 * - SQLite has one writer at a time, so the append takes the number itself with one upsert.
 * - PostgreSQL (`eventNumbersAfterCommit`) commits concurrent writers in any order, and a lock held
 *   until the commit made the writes of one organization commit one at a time. There the append
 *   inserts the row without a number and tells the transaction runner, which numbers the
 *   organization's committed rows in a short pass of its own once the transaction has committed
 *   (postgres/event-numbering.ts).
 */
import { sql, type Selectable } from 'kysely';
import type { OutboxEventsTable } from '../database.ts';
import type { OutboxEventRecord } from '../records.ts';
import type { OutboxEventStore } from '../store.ts';
import { atomic, decodeJson, encodeJson, type SqlContext } from './context.ts';
import { insertRows, runPrecompiled, slot } from './precompiled.ts';

/** Every column of `outbox_events`, in insert order (appends are precompiled: one per write). */
const OUTBOX_COLUMNS = ['org_id', 'id', 'type', 'occurred_at', 'resource_type', 'resource_id', 'data', 'sequence'] as const;

function toRecord(ctx: SqlContext, row: Selectable<OutboxEventsTable>): OutboxEventRecord {
  return {
    orgId: row.org_id,
    id: row.id,
    type: row.type,
    occurredAt: row.occurred_at,
    resourceType: row.resource_type,
    resourceId: row.resource_id,
    data: decodeJson(ctx.caps, row.data),
    sequence: row.sequence === null ? null : Number(row.sequence),
  };
}

/** Takes the organization's next sequence number, where appends number their events (see the module comment). */
async function nextSequence(ctx: SqlContext, orgId: string): Promise<number> {
  const result = await runPrecompiled(
    ctx,
    'event_sequences.next',
    (db) =>
      db
        .insertInto('event_sequences')
        .values({ org_id: slot(0), last_sequence: 1, pruned_through: 0 })
        .onConflict((oc) => oc.column('org_id').doUpdateSet({ last_sequence: sql<number>`event_sequences.last_sequence + 1` }))
        .returning('last_sequence'),
    [orgId],
  );
  const row = result.rows[0];
  if (row === undefined) throw new Error('event sequence upsert returned no row');
  return Number(row.last_sequence);
}

/** The number a committed event was given at commit. */
async function committedSequence(ctx: SqlContext, orgId: string, id: string): Promise<number> {
  const result = await runPrecompiled(
    ctx,
    'outbox_events.sequence',
    (db) => db.selectFrom('outbox_events').select('sequence').where('org_id', '=', slot(0)).where('id', '=', slot(1)),
    [orgId, id],
  );
  const sequence = result.rows[0]?.sequence;
  if (sequence === undefined || sequence === null) throw new Error(`event ${id} has no sequence number after its commit`);
  return Number(sequence);
}

/** The outbox sub-store. */
export function outboxEventStore(ctx: SqlContext): OutboxEventStore {
  return {
    async append(orgId, event) {
      const inserted = await atomic(ctx, async (inner) => {
        const sequence = ctx.caps.eventNumbersAfterCommit ? null : await nextSequence(inner, orgId);
        const row = {
          org_id: orgId,
          id: event.id ?? inner.newId(),
          type: event.type,
          occurred_at: event.occurredAt ?? inner.now(),
          resource_type: event.resourceType,
          resource_id: event.resourceId,
          data: encodeJson(event.data),
          sequence,
        };
        // Nothing is read back (numbered after commit on PostgreSQL): the row may be written behind.
        await insertRows(inner, 'outbox_events', OUTBOX_COLUMNS, [row], true);
        if (sequence === null) inner.eventAppended?.(inner.db, orgId);
        return { ...toRecord(inner, { ...row, data: null }), data: event.data ?? null };
      });
      // Numbered after commit, and this append was its own transaction: the number exists now.
      if (inserted.sequence === null && !ctx.db.isTransaction) {
        await ctx.numberEvents?.(orgId);
        return { ...inserted, sequence: await committedSequence(ctx, orgId, inserted.id) };
      }
      return inserted;
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
    async page(orgId, page) {
      await ctx.numberEvents?.(orgId);
      let query = ctx.db.selectFrom('outbox_events').selectAll().where('org_id', '=', orgId).where('sequence', '>', page.afterSequence);
      if (page.types !== undefined && page.types.length > 0) query = query.where('type', 'in', page.types);
      return (await query.orderBy('sequence').limit(page.limit).execute()).map((row) => toRecord(ctx, row));
    },
    async get(orgId, id) {
      const row = await ctx.db.selectFrom('outbox_events').selectAll().where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
      return row ? toRecord(ctx, row) : undefined;
    },
    async position(orgId) {
      await ctx.numberEvents?.(orgId);
      const row = await ctx.db.selectFrom('event_sequences').select(['last_sequence', 'pruned_through']).where('org_id', '=', orgId).executeTakeFirst();
      return { last: Number(row?.last_sequence ?? 0), prunedThrough: Number(row?.pruned_through ?? 0) };
    },
    async deleteBefore(before) {
      return atomic(ctx, async (inner) => {
        const highest = await inner.db
          .selectFrom('outbox_events')
          .select(['org_id', (eb) => eb.fn.max('sequence').as('through')])
          .where('occurred_at', '<', before)
          .groupBy('org_id')
          .execute();
        if (highest.length === 0) return 0;
        for (const { org_id: orgId, through } of highest) {
          const upTo = Number(through ?? 0);
          await inner.db
            .updateTable('event_sequences')
            .set({ pruned_through: sql<number>`case when pruned_through > ${upTo} then pruned_through else ${upTo} end` })
            .where('org_id', '=', orgId)
            .execute();
        }
        const deleted = await inner.db.deleteFrom('outbox_events').where('occurred_at', '<', before).executeTakeFirst();
        return Number(deleted.numDeletedRows);
      });
    },
  };
}
